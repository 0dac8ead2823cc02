import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';

export interface CommitOptions {
  /** The folder to turn into a repository; it must not be one already. */
  dir: string;
  defaultBranch: string;
  message: string;
  author: { name: string; email: string };
}

/**
 * Makes `dir` a Git repository and commits every file in it, with
 * isomorphic-git (no git binary needed on the portal's machine).
 * Returns the commit's SHA.
 */
export async function commitAll(options: CommitOptions): Promise<string> {
  const { dir } = options;
  await git.init({ fs, dir, defaultBranch: options.defaultBranch });
  const files = await git.listFiles({ fs, dir }).catch(() => []);
  const present = new Set(files);
  for (const entry of await fs.promises.readdir(dir, {
    recursive: true,
    withFileTypes: true,
  })) {
    if (!entry.isFile()) {
      continue;
    }
    const relative = path
      .relative(dir, path.join(entry.parentPath, entry.name))
      .split(path.sep)
      .join('/');
    if (
      relative === '.git' ||
      relative.startsWith('.git/') ||
      present.has(relative)
    ) {
      continue;
    }
    await git.add({ fs, dir, filepath: relative });
  }
  return git.commit({
    fs,
    dir,
    message: options.message,
    author: options.author,
  });
}
