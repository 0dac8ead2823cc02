import { Gitlab } from '@gitbeaker/rest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { RunningGitLabStandIn, startGitLabStandIn } from './standIn';

const git = promisify(execFile);
const TOKEN = 'glpat-stand-in-token';

/** Runs git without any user or system configuration (no credential helpers). */
function runGit(args: string[], cwd: string) {
  return git('git', args, {
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
  });
}

describe('GitLab stand-in', () => {
  let tmp: string;
  let gitlab: RunningGitLabStandIn;
  let client: InstanceType<typeof Gitlab>;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitlab-stand-in-'));
    gitlab = await startGitLabStandIn({
      reposDir: path.join(tmp, 'repos'),
      token: TOKEN,
      groups: ['platform'],
    });
    client = new Gitlab({ host: gitlab.url, token: TOKEN });
  });
  afterAll(async () => {
    await gitlab.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('answers gitbeaker: namespaces, the current user, project creation and search', async () => {
    const group = await client.Namespaces.show('platform');
    expect(group).toMatchObject({ kind: 'group', full_path: 'platform' });
    const user = await client.Users.showCurrentUser();
    expect(user.username).toBe('pilothouse');

    const created = await client.Projects.create({
      namespaceId: group.id as number,
      name: 'payments-api',
      path: 'payments-api',
      visibility: 'private',
    });
    expect(created).toMatchObject({
      path_with_namespace: 'platform/payments-api',
      http_url_to_repo: `${gitlab.url}/platform/payments-api.git`,
      empty_repo: true,
    });
    const found = await client.Groups.allProjects('platform', {
      search: 'payments',
    });
    expect(found.map(p => p.path)).toEqual(['payments-api']);
    expect(
      await client.Users.allProjects('pilothouse', { search: 'payments' }),
    ).toEqual([]);

    await expect(
      client.Projects.create({
        namespaceId: group.id as number,
        name: 'payments-api',
        path: 'payments-api',
      }),
    ).rejects.toMatchObject({
      cause: expect.objectContaining({
        description: expect.stringContaining('has already been taken'),
      }),
    });
  }, 30_000);

  it('refuses a wrong token on the API and on Git', async () => {
    const wrong = new Gitlab({ host: gitlab.url, token: 'nope' });
    await expect(wrong.Users.showCurrentUser()).rejects.toMatchObject({
      cause: expect.objectContaining({
        response: expect.objectContaining({ status: 401 }),
      }),
    });
    const res = await fetch(
      `${gitlab.url}/platform/payments-api.git/info/refs?service=git-upload-pack`,
    );
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Basic');
  });

  it('takes a push over smart HTTP into a bare repository and serves it back', async () => {
    const project = await client.Projects.create({
      name: 'orders',
      path: 'orders',
    });
    expect(project.path_with_namespace).toBe('pilothouse/orders');

    const work = path.join(tmp, 'work');
    fs.mkdirSync(work);
    fs.writeFileSync(path.join(work, 'README.md'), '# orders\n');
    await runGit(['init', '--quiet', '--initial-branch=main'], work);
    await runGit(['add', '.'], work);
    await runGit(['commit', '--quiet', '-m', 'first'], work);
    const remote = new URL(project.http_url_to_repo as string);
    remote.username = 'oauth2';
    remote.password = TOKEN;
    await runGit(['push', '--quiet', remote.toString(), 'main'], work);

    const bare = gitlab.repositoryDir('pilothouse', 'orders');
    const { stdout } = await runGit(['show', 'main:README.md'], bare);
    expect(stdout).toBe('# orders\n');
    // The first branch pushed became the default branch.
    expect(await client.Projects.show(project.id)).toMatchObject({
      default_branch: 'main',
      empty_repo: false,
    });

    // Backstage's GitLab URL reader reads files this way.
    const raw = await fetch(
      `${gitlab.url}/api/v4/projects/${encodeURIComponent(
        'pilothouse/orders',
      )}/repository/files/README.md/raw?ref=main`,
      { headers: { Authorization: `Bearer ${TOKEN}` } },
    );
    expect(await raw.text()).toBe('# orders\n');

    const clone = path.join(tmp, 'clone');
    await runGit(['clone', '--quiet', remote.toString(), clone], tmp);
    expect(fs.readFileSync(path.join(clone, 'README.md'), 'utf8')).toBe(
      '# orders\n',
    );
  }, 60_000);

  it('lists the projects it finds on disk after a restart', async () => {
    const again = await startGitLabStandIn({
      reposDir: path.join(tmp, 'repos'),
      token: TOKEN,
    });
    try {
      const restarted = new Gitlab({ host: again.url, token: TOKEN });
      const project = await restarted.Projects.show('pilothouse/orders');
      expect(project.default_branch).toBe('main');
    } finally {
      await again.close();
    }
  }, 30_000);
});
