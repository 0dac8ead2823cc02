import fs from 'node:fs';
import path from 'node:path';

/** The repository root: the nearest folder upwards whose package.json declares workspaces. */
export function findRepoRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (
      fs.existsSync(candidate) &&
      JSON.parse(fs.readFileSync(candidate, 'utf8')).workspaces
    ) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`no repository root above ${from}`);
    }
    dir = parent;
  }
}

export const repoRoot = findRepoRoot();

/** deploy/kubernetes in this checkout. */
export const kubernetesDir = path.join(repoRoot, 'deploy', 'kubernetes');
