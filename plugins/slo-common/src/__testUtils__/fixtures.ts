import fs from 'fs';
import path from 'path';
import { parseAllDocuments } from 'yaml';

function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).workspaces) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('repository root not found');
    dir = parent;
  }
}

/** A path under the shared third-party fixtures (beside the repository). */
export function fixturePath(...parts: string[]): string {
  return path.resolve(repoRoot(), '../shared/fixtures', ...parts);
}

/** Every YAML document of a fixture file (comment-only documents dropped). */
export function readYamlDocuments(file: string): unknown[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map(doc => doc.toJS())
    .filter(doc => doc !== null && doc !== undefined);
}

export function listFiles(dir: string, pattern: RegExp): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(entry => entry.isFile() && pattern.test(entry.name))
    .map(entry => path.join(entry.parentPath ?? (entry as any).path, entry.name))
    .sort();
}
