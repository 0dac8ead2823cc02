import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import gitlabModule from '@backstage/plugin-scaffolder-backend-module-gitlab';
import { RunningGitLabStandIn, startGitLabStandIn } from '@pilothouse/sandbox';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { parse } from 'yaml';
import pipelinesModule from '../module';
import { TEMPLATES_DIR } from './dryRun';

const git = promisify(execFile);
const TOKEN = 'glpat-pilothouse-test';

type Backend = Awaited<ReturnType<typeof startTestBackend>>;

/** Polls until `probe` returns a value (the catalog and the task run in the background). */
async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}

/**
 * The service pipeline template run for real (not a dry run) by the
 * scaffolder with Backstage's GitLab module, publishing with `publish:gitlab`
 * to the sandbox's GitLab stand-in and registering the result with the real
 * catalog, which reads it back through its GitLab URL reader.
 */
describe('service-pipeline template published to GitLab', () => {
  let tmp: string;
  let gitlab: RunningGitLabStandIn;
  let backend: Backend;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-gitlab-'));
    gitlab = await startGitLabStandIn({
      reposDir: path.join(tmp, 'gitlab'),
      token: TOKEN,
      groups: ['platform'],
    });
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        scaffolderEntityModel,
        scaffolderPlugin,
        gitlabModule,
        pipelinesModule,
        mockServices.rootConfig.factory({
          data: {
            integrations: {
              gitlab: [
                {
                  host: gitlab.host,
                  baseUrl: gitlab.url,
                  apiBaseUrl: `${gitlab.url}/api/v4`,
                  token: TOKEN,
                },
              ],
            },
            catalog: {
              rules: [{ allow: ['Component', 'Template', 'Location'] }],
              locations: [
                {
                  type: 'file',
                  target: path.join(
                    TEMPLATES_DIR,
                    'pipelines/service-pipeline.yaml',
                  ),
                },
              ],
            },
            pilothouse: {
              localRepositories: { directory: path.join(tmp, 'local') },
            },
          },
        }),
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await backend?.stop();
    await gitlab?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const api = () => request(backend.server);
  const asUser = mockCredentials.user.header();

  const entity = (ref: string) => async () => {
    const res = await api()
      .get(`/api/catalog/entities/by-name/${ref}`)
      .set('Authorization', asUser);
    return res.status === 200 ? res.body : undefined;
  };

  it('lists publish:gitlab and the GitLab actions used beside this module', async () => {
    const res = await api()
      .get('/api/scaffolder/v2/actions')
      .set('Authorization', asUser);
    expect(res.status).toBe(200);
    const ids = res.body.map((a: { id: string }) => a.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'publish:gitlab',
        'publish:gitlab:merge-request',
        'pilothouse:validateGitLabCi',
      ]),
    );
  });

  it('creates the project, pushes the GitLab CI variant and registers it in the catalog', async () => {
    await waitFor(
      'the template in the catalog',
      entity('template/default/service-pipeline'),
    );
    const created = await api()
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', asUser)
      .send({
        templateRef: 'template:default/service-pipeline',
        values: {
          mode: 'new',
          name: 'payments-api',
          description: 'Takes payments',
          owner: 'group:default/payments-team',
          language: 'go',
          ciSystem: 'gitlab-ci',
          failOnSeverity: 'high',
          registry: 'registry.gitlab.com/platform/payments-api',
          strategy: 'canary',
          sloRollback: true,
          publishTo: 'gitlab',
          repoUrl: `${gitlab.host}?owner=platform&repo=payments-api`,
        },
      });
    expect(created.status).toBe(201);

    const task = await waitFor('the task to finish', async () => {
      const res = await api()
        .get(`/api/scaffolder/v2/tasks/${created.body.id}`)
        .set('Authorization', asUser);
      return ['completed', 'failed', 'cancelled'].includes(res.body.status)
        ? res.body
        : undefined;
    });
    if (task.status !== 'completed') {
      const events = await api()
        .get(`/api/scaffolder/v2/tasks/${created.body.id}/events`)
        .set('Authorization', asUser);
      throw new Error(
        `task ${task.status}:\n${events.body
          .map((e: { body: { message?: string } }) => e.body.message)
          .join('\n')}`,
      );
    }

    // What publish:gitlab asked GitLab for, in GitLab's REST API.
    const calls = gitlab.requests.map(
      r => `${r.method} ${r.path.split('?')[0]}`,
    );
    expect(calls).toEqual(
      expect.arrayContaining([
        'GET /api/v4/namespaces/platform',
        'GET /api/v4/user',
        'GET /api/v4/groups/platform/projects',
        'POST /api/v4/projects',
        'POST /platform/payments-api.git/git-receive-pack',
      ]),
    );

    // The pushed repository holds the GitLab CI variant on main.
    const bare = gitlab.repositoryDir('platform', 'payments-api');
    const show = async (file: string) =>
      (await git('git', ['--git-dir', bare, 'show', `main:${file}`])).stdout;
    const files = (
      await git('git', [
        '--git-dir',
        bare,
        'ls-tree',
        '-r',
        '--name-only',
        'main',
      ])
    ).stdout.split('\n');
    expect(files).toEqual(
      expect.arrayContaining([
        '.gitlab-ci.yml',
        'catalog-info.yaml',
        'Dockerfile',
        'deploy/base/workload.yaml',
        'deploy/base/analysis-template.yaml',
      ]),
    );
    expect(files.some(f => f.startsWith('.github/'))).toBe(false);
    expect(parse(await show('.gitlab-ci.yml')).stages).toEqual([
      'test',
      'sast',
      'scan',
      'image',
    ]);
    const info = parse(await show('catalog-info.yaml'));
    expect(info.metadata.annotations).toMatchObject({
      'gitlab.com/project-slug': 'platform/payments-api',
      'backstage.io/source-location': `url:https://${gitlab.host}/platform/payments-api.git`,
    });
    expect(
      (
        await git('git', [
          '--git-dir',
          bare,
          'log',
          '-1',
          '--format=%s',
          'main',
        ])
      ).stdout.trim(),
    ).toBe('Generated by Pilothouse (service-pipeline@1.0.0)');

    // The run's links (in its completion event): the GitLab project.
    const events = await api()
      .get(`/api/scaffolder/v2/tasks/${created.body.id}/events`)
      .set('Authorization', asUser);
    const completion = events.body.find(
      (e: { type: string }) => e.type === 'completion',
    );
    expect(completion.body.output.links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ url: `${gitlab.url}/platform/payments-api` }),
      ]),
    );

    // The catalog read catalog-info.yaml back from GitLab: the component appears.
    const component = await waitFor(
      'the component in the catalog',
      entity('component/default/payments-api'),
    );
    expect(component.spec.owner).toBe('group:default/payments-team');
    expect(
      component.metadata.annotations['backstage.io/managed-by-location'],
    ).toBe(
      `url:${gitlab.url}/platform/payments-api/-/blob/main/catalog-info.yaml`,
    );
  }, 240_000);

  it('stops with GitLab’s answer when the project already exists', async () => {
    const created = await api()
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', asUser)
      .send({
        templateRef: 'template:default/service-pipeline',
        values: {
          mode: 'new',
          name: 'payments-api',
          owner: 'group:default/payments-team',
          language: 'node',
          ciSystem: 'gitlab-ci',
          failOnSeverity: 'high',
          registry: 'ghcr.io/pilothouse-demo',
          strategy: 'rolling',
          sloRollback: false,
          publishTo: 'gitlab',
          repoUrl: `${gitlab.host}?owner=platform&repo=payments-api`,
        },
      });
    expect(created.status).toBe(201);
    const task = await waitFor('the task to finish', async () => {
      const res = await api()
        .get(`/api/scaffolder/v2/tasks/${created.body.id}`)
        .set('Authorization', asUser);
      return ['completed', 'failed'].includes(res.body.status)
        ? res.body
        : undefined;
    });
    expect(task.status).toBe('failed');
    const events = await api()
      .get(`/api/scaffolder/v2/tasks/${created.body.id}/events`)
      .set('Authorization', asUser);
    expect(
      events.body
        .map((e: { body: { message?: string } }) => e.body.message)
        .join('\n'),
    ).toContain('has already been taken');
  }, 240_000);
});
