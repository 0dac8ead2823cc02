import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** The repository's templates folder (tests only: it is not part of the package). */
export const TEMPLATES_DIR = resolvePackagePath(
  '@pilothouse/plugin-scaffolder-backend-module-pipelines',
  '../../templates',
);

/**
 * A template (its file under templates/, e.g. `pipelines/ai-agent.yaml`) and
 * the files of its folder, in the shape POST /api/scaffolder/v2/dry-run takes.
 */
export function dryRunBody(
  templateFile: string,
  values: Record<string, unknown>,
) {
  const dir = path.dirname(path.join(TEMPLATES_DIR, templateFile));
  const files = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => path.join(entry.parentPath, entry.name));
  return {
    template: parse(
      fs.readFileSync(path.join(TEMPLATES_DIR, templateFile), 'utf8'),
    ),
    values,
    directoryContents: files.map(file => ({
      path: path.relative(dir, file).split(path.sep).join('/'),
      base64Content: fs.readFileSync(file).toString('base64'),
    })),
  };
}

export interface DryRunResult {
  log: { body: { message: string; stepId?: string; status?: string } }[];
  directoryContents: { path: string; base64Content: string }[];
  output: Record<string, unknown>;
  steps: { id: string; name: string }[];
}

/** The generated files by path, decoded. */
export function generatedFiles(result: DryRunResult): Map<string, string> {
  return new Map(
    result.directoryContents.map(f => [
      f.path,
      Buffer.from(f.base64Content, 'base64').toString('utf8'),
    ]),
  );
}
