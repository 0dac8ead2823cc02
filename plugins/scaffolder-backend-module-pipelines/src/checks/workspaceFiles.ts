import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface WorkspaceFile {
  /** Relative to the workspace, with forward slashes. */
  path: string;
  content: string;
}

const YAML_FILE = /\.ya?ml$/;

/**
 * Reads the YAML files at the given workspace paths: a file is read as is, a
 * folder for every `.yml` / `.yaml` file below it. Paths outside the
 * workspace are refused; a path that does not exist is an error, so a
 * template that renders to the wrong folder does not pass a check by
 * checking nothing.
 */
export async function readYamlFiles(
  workspacePath: string,
  paths: string[],
): Promise<WorkspaceFile[]> {
  const files = new Map<string, WorkspaceFile>();
  for (const p of paths) {
    const absolute = resolveSafeChildPath(workspacePath, p);
    const stat = await fs.stat(absolute).catch(() => undefined);
    if (!stat) {
      throw new NotFoundError(`${p} does not exist in the workspace`);
    }
    const found = stat.isDirectory()
      ? (await fs.readdir(absolute, { recursive: true }))
          .filter(name => YAML_FILE.test(name))
          .map(name => path.join(absolute, name))
      : [absolute];
    for (const file of found.sort()) {
      const relative = path
        .relative(workspacePath, file)
        .split(path.sep)
        .join('/');
      if (!files.has(relative)) {
        files.set(relative, {
          path: relative,
          content: await fs.readFile(file, 'utf8'),
        });
      }
    }
  }
  return [...files.values()];
}
