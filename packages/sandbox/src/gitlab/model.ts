import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A GitLab namespace as `GET /namespaces/:id` returns it (the fields clients read). */
export interface GitLabNamespace {
  id: number;
  name: string;
  path: string;
  kind: 'user' | 'group';
  full_path: string;
  parent_id: null;
  avatar_url: null;
  web_url: string;
}

export interface GitLabProjectRecord {
  id: number;
  namespace: GitLabNamespace;
  path: string;
  name: string;
  description: string | null;
  visibility: 'private' | 'internal' | 'public';
  topics: string[];
  createdAt: string;
}

/** A namespace or project path: what GitLab accepts (letters, digits, `_`, `-`, `.`; not starting with `-` or `.`). */
export const GITLAB_PATH = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * The stand-in's state: namespaces and projects in memory, each project's
 * Git repository a bare repository on disk at `<reposDir>/<namespace>/<path>.git`.
 * Projects found on disk at start are listed again (ids by path order), so
 * pushed repositories survive a restart.
 */
export class GitLabModel {
  private readonly namespaces = new Map<string, GitLabNamespace>();
  private readonly projects = new Map<number, GitLabProjectRecord>();
  private nextNamespaceId = 1;
  private nextProjectId = 1;

  constructor(
    readonly reposDir: string,
    /** The stand-in's base URL (known once it listens). */
    readonly baseUrl: () => string,
    readonly username: string,
    groups: string[],
  ) {
    this.addNamespace(username, 'user');
    for (const group of groups) {
      this.addNamespace(group, 'group');
    }
    fs.mkdirSync(reposDir, { recursive: true });
    for (const ns of fs.readdirSync(reposDir).sort()) {
      const nsDir = path.join(reposDir, ns);
      if (!GITLAB_PATH.test(ns) || !fs.statSync(nsDir).isDirectory()) continue;
      const namespace = this.namespace(ns) ?? this.addNamespace(ns, 'group');
      for (const entry of fs.readdirSync(nsDir).sort()) {
        const name = entry.replace(/\.git$/, '');
        if (entry.endsWith('.git') && GITLAB_PATH.test(name)) {
          this.addProject(namespace, { path: name, name });
        }
      }
    }
  }

  get user(): GitLabNamespace {
    return this.namespace(this.username)!;
  }

  /** By id or by full path (case-insensitive, as GitLab resolves paths). */
  namespace(idOrPath: string | number): GitLabNamespace | undefined {
    const key = String(idOrPath);
    if (/^\d+$/.test(key)) {
      return [...this.namespaces.values()].find(n => n.id === Number(key));
    }
    return this.namespaces.get(key.toLowerCase());
  }

  private addNamespace(name: string, kind: 'user' | 'group'): GitLabNamespace {
    const baseUrl = this.baseUrl;
    const namespace: GitLabNamespace = {
      id: this.nextNamespaceId++,
      name,
      path: name,
      kind,
      full_path: name,
      parent_id: null,
      avatar_url: null,
      // The base URL is known only once the server listens.
      get web_url() {
        return `${baseUrl()}/${kind === 'user' ? '' : 'groups/'}${name}`;
      },
    };
    this.namespaces.set(name.toLowerCase(), namespace);
    return namespace;
  }

  /** By id or by `namespace/path`. */
  project(idOrPath: string | number): GitLabProjectRecord | undefined {
    const key = String(idOrPath);
    if (/^\d+$/.test(key)) {
      return this.projects.get(Number(key));
    }
    return [...this.projects.values()].find(
      p =>
        `${p.namespace.full_path}/${p.path}`.toLowerCase() ===
        key.toLowerCase(),
    );
  }

  projectsOf(namespace: GitLabNamespace): GitLabProjectRecord[] {
    return [...this.projects.values()].filter(
      p => p.namespace.id === namespace.id,
    );
  }

  repositoryDir(project: { namespace: GitLabNamespace; path: string }): string {
    return path.join(
      this.reposDir,
      project.namespace.path,
      `${project.path}.git`,
    );
  }

  private addProject(
    namespace: GitLabNamespace,
    fields: Partial<GitLabProjectRecord> & { path: string; name: string },
  ): GitLabProjectRecord {
    const record: GitLabProjectRecord = {
      id: this.nextProjectId++,
      namespace,
      description: null,
      visibility: 'private',
      topics: [],
      createdAt: new Date().toISOString(),
      ...fields,
    };
    this.projects.set(record.id, record);
    return record;
  }

  /** Creates the project and its empty bare repository. */
  async createProject(
    namespace: GitLabNamespace,
    fields: Partial<GitLabProjectRecord> & { path: string; name: string },
  ): Promise<GitLabProjectRecord> {
    const dir = this.repositoryDir({ namespace, path: fields.path });
    await run('git', ['init', '--bare', '--quiet', dir]);
    return this.addProject(namespace, fields);
  }

  /**
   * GitLab makes the first branch pushed to an empty project its default
   * branch; the bare repository's HEAD follows, so a clone checks it out.
   */
  async defaultBranch(project: GitLabProjectRecord): Promise<string | null> {
    const gitDir = this.repositoryDir(project);
    const branches = (
      await run('git', [
        '--git-dir',
        gitDir,
        'for-each-ref',
        '--format=%(refname:short)',
        'refs/heads',
      ])
    ).stdout
      .split('\n')
      .filter(Boolean);
    if (branches.length === 0) return null;
    const head = (
      await run('git', ['--git-dir', gitDir, 'symbolic-ref', '--short', 'HEAD'])
    ).stdout.trim();
    if (branches.includes(head)) return head;
    await run('git', [
      '--git-dir',
      gitDir,
      'symbolic-ref',
      'HEAD',
      `refs/heads/${branches[0]}`,
    ]);
    return branches[0];
  }

  /** A file's content at a ref; undefined when the ref or the file does not exist. */
  async readFile(
    project: GitLabProjectRecord,
    ref: string,
    filePath: string,
  ): Promise<Buffer | undefined> {
    if (ref.startsWith('-') || filePath.startsWith('-')) return undefined;
    try {
      const { stdout } = await run(
        'git',
        [
          '--git-dir',
          this.repositoryDir(project),
          'cat-file',
          'blob',
          `${ref}:${filePath}`,
        ],
        { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
      );
      return stdout;
    } catch {
      return undefined;
    }
  }

  /** The project as the REST API returns it. */
  async toJson(project: GitLabProjectRecord) {
    const base = this.baseUrl();
    const fullPath = `${project.namespace.full_path}/${project.path}`;
    const defaultBranch = await this.defaultBranch(project);
    const { id, name, path: projectPath, namespace } = project;
    return {
      id,
      name,
      path: projectPath,
      description: project.description,
      name_with_namespace: `${namespace.name} / ${name}`,
      path_with_namespace: fullPath,
      default_branch: defaultBranch,
      visibility: project.visibility,
      topics: project.topics,
      tag_list: project.topics,
      created_at: project.createdAt,
      last_activity_at: project.createdAt,
      empty_repo: defaultBranch === null,
      archived: false,
      web_url: `${base}/${fullPath}`,
      http_url_to_repo: `${base}/${fullPath}.git`,
      ssh_url_to_repo: `git@${new URL(base).host}:${fullPath}.git`,
      readme_url: null,
      namespace: {
        id: namespace.id,
        name: namespace.name,
        path: namespace.path,
        kind: namespace.kind,
        full_path: namespace.full_path,
        parent_id: null,
        avatar_url: null,
        web_url: namespace.web_url,
      },
    };
  }
}
