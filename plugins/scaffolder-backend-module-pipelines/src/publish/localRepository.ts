import fs from 'node:fs';
import path from 'node:path';
import { ConflictError } from '@backstage/errors';
import git from 'isomorphic-git';

/** Every file under `dir` but Git's own, as repository paths (`a/b.txt`). */
async function filesIn(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await fs.promises.readdir(dir, {
    recursive: true,
    withFileTypes: true,
  })) {
    if (!entry.isFile()) continue;
    const relative = path
      .relative(dir, path.join(entry.parentPath, entry.name))
      .split(path.sep)
      .join('/');
    if (relative !== '.git' && !relative.startsWith('.git/')) {
      files.push(relative);
    }
  }
  return files;
}

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
  for (const relative of await filesIn(dir)) {
    if (!present.has(relative)) {
      await git.add({ fs, dir, filepath: relative });
    }
  }
  return git.commit({
    fs,
    dir,
    message: options.message,
    author: options.author,
  });
}

export interface BranchCommitOptions {
  /** An existing repository, with its working tree. */
  dir: string;
  /** The branch to start from, left checked out afterwards. */
  baseBranch: string;
  /** The new branch; it must not exist yet. */
  branch: string;
  /** The files to write over the base branch's (a rendered workspace). */
  sourceDir: string;
  message: string;
  author: { name: string; email: string };
}

/**
 * Commits `sourceDir`'s files onto a new branch of an existing repository,
 * as a pull request would bring them: files of the base branch that the
 * source does not have stay as they are. The base branch stays checked out,
 * so what the working tree (and the catalog reading it) shows changes only
 * when the branch is merged. Returns the commit's SHA.
 */
export async function commitToNewBranch(
  options: BranchCommitOptions,
): Promise<string> {
  const { dir, branch, baseBranch } = options;
  // The branch is written in the working tree, which is then reset to the
  // base: changes nobody committed would be lost.
  const uncommitted = (await git.statusMatrix({ fs, dir }))
    .filter(
      ([, head, workdir, stage]) => head !== 1 || workdir !== 1 || stage !== 1,
    )
    .map(([file]) => file);
  if (uncommitted.length > 0) {
    throw new ConflictError(
      `${path.basename(dir)} has changes nobody committed (${uncommitted
        .slice(0, 5)
        .join(', ')}${
        uncommitted.length > 5 ? ', …' : ''
      }); commit or remove them before updating it`,
    );
  }
  await git.checkout({ fs, dir, ref: baseBranch });
  await git.branch({ fs, dir, ref: branch, checkout: true });
  let commit: string;
  try {
    for (const relative of await filesIn(options.sourceDir)) {
      const to = path.join(dir, relative);
      await fs.promises.mkdir(path.dirname(to), { recursive: true });
      await fs.promises.copyFile(path.join(options.sourceDir, relative), to);
      await git.add({ fs, dir, filepath: relative });
    }
    commit = await git.commit({
      fs,
      dir,
      message: options.message,
      author: options.author,
    });
  } catch (error) {
    // Nothing half-done is left: back to the base, without the branch.
    await git.checkout({ fs, dir, ref: baseBranch, force: true });
    await git.deleteBranch({ fs, dir, ref: branch });
    throw error;
  }
  await git.checkout({ fs, dir, ref: baseBranch, force: true });
  return commit;
}

/** The repository's local branches. */
export async function listBranches(dir: string): Promise<string[]> {
  return git.listBranches({ fs, dir });
}
