import { Octokit } from '@octokit/rest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { RunningSandbox, startSandbox } from '../server';

const catalogDir = path.resolve(__dirname, '../../../../catalog');
const seedFile = path.join(catalogDir, 'sandbox.yaml');

function componentAnnotations(): Array<Record<string, string>> {
  return parseAllDocuments(
    fs.readFileSync(path.join(catalogDir, 'components.yaml'), 'utf8'),
  )
    .map(doc => doc.toJS())
    .filter(doc => doc?.kind === 'Component')
    .map(doc => doc.metadata.annotations ?? {});
}

describe('sandbox CI/CD APIs (Argo CD, Argo Rollouts, GitHub Actions)', () => {
  let dataDir: string;
  let sandbox: RunningSandbox;
  let argo: string;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-cicd-'));
    sandbox = await startSandbox({ port: 0, dataDir, seedFile });
    argo = `${sandbox.url}/argocd/api/v1`;
  });

  afterEach(async () => {
    await sandbox.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function json(url: string, init?: RequestInit) {
    const res = await fetch(url, {
      ...init,
      headers: { 'content-type': 'application/json' },
    });
    return { status: res.status, body: await res.json() };
  }

  it('has an Argo CD app and a GitHub repo for every catalog annotation', async () => {
    const octokit = new Octokit({ baseUrl: `${sandbox.url}/github` });
    const annotations = componentAnnotations();
    expect(annotations.length).toBeGreaterThan(0);
    for (const a of annotations) {
      const { status, body } = await json(
        `${argo}/applications/${a['argocd/app-name']}`,
      );
      expect(status).toBe(200);
      expect(body.spec.source.repoURL).toBe(
        `https://github.com/${a['github.com/project-slug']}`,
      );
      const [owner, repo] = a['github.com/project-slug'].split('/');
      const runs = await octokit.actions.listWorkflowRunsForRepo({
        owner,
        repo,
      });
      expect(runs.data.total_count).toBeGreaterThan(0);
    }
  });

  it('lists applications by label selector, name and project, as the Roadie plugin asks', async () => {
    const bySelector = await json(
      `${argo}/applications?selector=${encodeURIComponent(
        'backstage.io/kubernetes-id=payments',
      )}`,
    );
    expect(bySelector.body.items.map((a: any) => a.metadata.name)).toEqual([
      'payments',
    ]);
    const byPath = await json(
      `${argo}/applications/selector/${encodeURIComponent(
        'backstage.io/kubernetes-id=payments',
      )}`,
    );
    expect(byPath.body.items).toHaveLength(1);
    // The fields the Roadie plugin's io-ts codec requires of every item.
    for (const app of bySelector.body.items) {
      expect(app).toEqual(
        expect.objectContaining({
          metadata: expect.objectContaining({ name: expect.any(String) }),
          status: expect.objectContaining({
            sync: expect.objectContaining({ status: expect.any(String) }),
            health: expect.objectContaining({ status: expect.any(String) }),
            operationState: expect.objectContaining({
              startedAt: expect.any(String),
              finishedAt: expect.any(String),
            }),
          }),
        }),
      );
      for (const entry of app.status.history) {
        expect(entry).toEqual(
          expect.objectContaining({
            id: expect.any(Number),
            revision: expect.any(String),
            deployedAt: expect.any(String),
          }),
        );
      }
    }
    const byProject = await json(`${argo}/applications?projects=checkout`);
    expect(
      byProject.body.items.map((a: any) => a.metadata.name).sort(),
    ).toEqual(['checkout', 'inventory', 'orders']);
    const missing = await json(`${argo}/applications/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(
      expect.objectContaining({ code: 5, message: expect.any(String) }),
    );
  });

  it('answers every request the Argo CD entity card makes, for every annotated component', async () => {
    for (const a of componentAnnotations()) {
      // The overview card: GET the application named by argocd/app-name.
      const { status, body: app } = await json(
        `${argo}/applications/${a['argocd/app-name']}`,
      );
      expect(status).toBe(200);
      expect(app).toEqual(
        expect.objectContaining({
          metadata: expect.objectContaining({
            name: a['argocd/app-name'],
            namespace: expect.any(String),
          }),
          status: expect.objectContaining({
            sync: expect.objectContaining({ status: expect.any(String) }),
            health: expect.objectContaining({ status: expect.any(String) }),
          }),
        }),
      );
      // The history: each deploy's revision metadata.
      expect(app.status.history.length).toBeGreaterThan(0);
      for (const entry of app.status.history) {
        const meta = await json(
          `${argo}/applications/${app.metadata.name}/revisions/${entry.revision}/metadata`,
        );
        expect(meta.status).toBe(200);
        expect(meta.body).toEqual({
          author: expect.any(String),
          date: expect.any(String),
          message: expect.stringContaining(a['github.com/project-slug']),
          tags: [],
        });
      }
    }
    const unknown = await json(
      `${argo}/applications/payments/revisions/${'0'.repeat(40)}/metadata`,
    );
    expect(unknown.status).toBe(404);
  });

  it('records a synced branch name as the commit it resolves to, so its history has metadata', async () => {
    const synced = await json(`${argo}/applications/orders/sync`, {
      method: 'POST',
      body: JSON.stringify({ revision: 'main' }),
    });
    expect(synced.status).toBe(200);
    const deployed = synced.body.status.history.at(-1).revision;
    expect(deployed).toMatch(/^[0-9a-f]{40}$/);
    expect(synced.body.status.sync).toEqual(
      expect.objectContaining({ status: 'Synced', revision: deployed }),
    );
    const meta = await json(
      `${argo}/applications/orders/revisions/${deployed}/metadata`,
    );
    expect(meta.body.message).toBe('Commit 4 of pilothouse-demo/orders');

    // A short SHA names the same commit; something that is no commit is refused.
    const first = synced.body.status.history[0].revision;
    const byShortSha = await json(`${argo}/applications/orders/sync`, {
      method: 'POST',
      body: JSON.stringify({ revision: first.slice(0, 7) }),
    });
    expect(byShortSha.body.status.history.at(-1).revision).toBe(first);
    const unknown = await json(`${argo}/applications/orders/sync`, {
      method: 'POST',
      body: JSON.stringify({ revision: 'no-such-branch' }),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/unable to resolve 'no-such-branch'/);
  });

  it('syncs and rolls back an application, keeping history across a restart', async () => {
    const before = (await json(`${argo}/applications/orders`)).body;
    expect(before.status.sync.status).toBe('OutOfSync');
    expect(before.status.history.map((h: any) => h.id)).toEqual([0, 1, 2]);

    const synced = await json(`${argo}/applications/orders/sync`, {
      method: 'POST',
      body: JSON.stringify({ prune: false }),
    });
    expect(synced.status).toBe(200);
    expect(synced.body.status.sync.status).toBe('Synced');
    expect(synced.body.status.history.map((h: any) => h.id)).toEqual([
      0, 1, 2, 3,
    ]);
    expect(synced.body.status.operationState.phase).toBe('Succeeded');

    const rolled = await json(`${argo}/applications/orders/rollback`, {
      method: 'PUT',
      body: JSON.stringify({ id: 2 }),
    });
    expect(rolled.status).toBe(200);
    const history = rolled.body.status.history;
    expect(history.at(-1)).toEqual(
      expect.objectContaining({
        id: 4,
        revision: before.status.history[2].revision,
      }),
    );
    expect(rolled.body.status.sync.status).toBe('OutOfSync');

    const badId = await json(`${argo}/applications/orders/rollback`, {
      method: 'PUT',
      body: JSON.stringify({ id: 99 }),
    });
    expect(badId.status).toBe(404);

    await sandbox.close();
    sandbox = await startSandbox({ port: 0, dataDir, seedFile });
    const after = (
      await json(`${sandbox.url}/argocd/api/v1/applications/orders`)
    ).body;
    expect(after.status.history.map((h: any) => h.id)).toEqual([0, 1, 2, 3, 4]);
  });

  it('adds the CI/CD seed to state saved before it existed, keeping the cluster', async () => {
    await sandbox.close();
    const oldDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-cicd-old-'));
    const oldSeed = path.join(oldDir, 'sandbox.yaml');
    fs.writeFileSync(
      oldSeed,
      fs.readFileSync(seedFile, 'utf8').split('\nargocd:')[0],
    );
    try {
      sandbox = await startSandbox({
        port: 0,
        dataDir: oldDir,
        seedFile: oldSeed,
      });
      expect(
        (await json(`${sandbox.url}/argocd/api/v1/applications`)).body.items,
      ).toEqual([]);
      const scaled = await fetch(
        `${sandbox.url}/apis/apps/v1/namespaces/payments/deployments/payments/scale`,
        {
          method: 'PATCH',
          headers: { 'content-type': 'application/merge-patch+json' },
          body: JSON.stringify({ spec: { replicas: 4 } }),
        },
      );
      expect(scaled.status).toBe(200);
      await sandbox.close();

      sandbox = await startSandbox({ port: 0, dataDir: oldDir, seedFile });
      const apps = (await json(`${sandbox.url}/argocd/api/v1/applications`))
        .body.items;
      expect(apps).toHaveLength(6);
      const scale = await json(
        `${sandbox.url}/apis/apps/v1/namespaces/payments/deployments/payments/scale`,
      );
      expect(scale.body.spec.replicas).toBe(4);
    } finally {
      await sandbox.close();
      sandbox = await startSandbox({ port: 0, dataDir, seedFile });
      fs.rmSync(oldDir, { recursive: true, force: true });
    }
  });

  it('promotes a paused canary step by step, and aborts another', async () => {
    const rollouts = `${sandbox.url}/argo-rollouts/api/v1/rollouts`;
    const paused = (await json(`${rollouts}/payments/payments`)).body;
    expect(paused.status).toEqual(
      expect.objectContaining({ phase: 'Paused', currentStepIndex: 1 }),
    );
    const next = await json(`${rollouts}/payments/payments/promote`, {
      method: 'PUT',
    });
    expect(next.body.status).toEqual(
      expect.objectContaining({ phase: 'Paused', currentStepIndex: 3 }),
    );
    expect(next.body.status.canary.weights.canary.weight).toBe(50);
    const done = await json(`${rollouts}/payments/payments/promote`, {
      method: 'PUT',
    });
    expect(done.body.status.phase).toBe('Healthy');
    const again = await json(`${rollouts}/payments/payments/promote`, {
      method: 'PUT',
    });
    expect(again.status).toBe(409);

    const aborted = await json(`${rollouts}/platform/notifications/abort`, {
      method: 'PUT',
    });
    expect(aborted.body.status).toEqual(
      expect.objectContaining({ phase: 'Degraded', abort: true }),
    );
    expect(aborted.body.status.canary.weights.canary.weight).toBe(0);
  });

  it('serves GitHub Actions runs, re-runs and dispatches to Octokit', async () => {
    const octokit = new Octokit({ baseUrl: `${sandbox.url}/github` });
    const repo = { owner: 'pilothouse-demo', repo: 'notifications' };
    const runs = await octokit.actions.listWorkflowRunsForRepo(repo);
    const failed = runs.data.workflow_runs.find(
      r => r.conclusion === 'failure',
    )!;
    expect(failed).toBeDefined();

    const rerun = await octokit.actions.reRunWorkflow({
      ...repo,
      run_id: failed.id,
    });
    expect(rerun.status).toBe(201);
    const after = await octokit.actions.getWorkflowRun({
      ...repo,
      run_id: failed.id,
    });
    expect(after.data).toEqual(
      expect.objectContaining({ status: 'queued', run_attempt: 2 }),
    );

    const dispatched = await octokit.actions.createWorkflowDispatch({
      ...repo,
      workflow_id: 'deploy.yml',
      ref: 'main',
      inputs: { environment: 'staging' },
    });
    expect(dispatched.status).toBe(204);
    const latest = await octokit.actions.listWorkflowRunsForRepo({
      ...repo,
      event: 'workflow_dispatch',
    });
    expect(latest.data.workflow_runs).toEqual([
      expect.objectContaining({ name: 'Deploy', status: 'queued' }),
    ]);

    await expect(
      octokit.actions.listWorkflowRunsForRepo({ owner: 'nobody', repo: 'x' }),
    ).rejects.toMatchObject({ status: 404 });
  });
});
