import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  newClient,
  READ_ONLY_TOOLS,
  readmeToolNames,
  startTestSandbox,
  textOf,
} from './__testUtils__/fixtures';
import { createCicdClients } from './clients';
import { CicdMcpOptions, createCicdMcpServer, selectTools } from './server';

type Sandbox = Awaited<ReturnType<typeof startTestSandbox>>;

describe('mcp-cicd over an in-process transport, against the sandbox', () => {
  let sandbox: Sandbox;
  let client: Client | undefined;

  beforeEach(async () => {
    sandbox = await startTestSandbox();
  });

  afterEach(async () => {
    await client?.close();
    client = undefined;
    await sandbox.close();
  });

  async function connect(
    options: Omit<CicdMcpOptions, 'clients'> = {},
    clients = sandbox.clients(),
  ) {
    await client?.close();
    const server = createCicdMcpServer({
      clients,
      logCalls: false,
      ...options,
    });
    const [clientTransport, serverTransport] =
      InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    client = newClient();
    await client.connect(clientTransport);
    return client;
  }

  async function history(c: Client, name: string) {
    const res = await c.callTool({
      name: 'get_application',
      arguments: { name },
    });
    expect(res.isError).toBeFalsy();
    return res.structuredContent as {
      sync: string;
      revision: string;
      currentHistoryId: number;
      history: Array<{ id: number; revision: string }>;
    };
  }

  it('lists exactly the README tools, each with annotations and permissions in _meta', async () => {
    const c = await connect();
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual(readmeToolNames());
    for (const tool of tools) {
      expect(tool.annotations).toEqual(
        expect.objectContaining({
          readOnlyHint: expect.any(Boolean),
          destructiveHint: expect.any(Boolean),
          idempotentHint: expect.any(Boolean),
        }),
      );
      expect(tool.description).toMatch(/Example:/);
      expect(
        (tool._meta?.['pilothouse.dev/permissions'] as unknown[]).length,
      ).toBeGreaterThan(0);
    }
    const sync = tools.find(t => t.name === 'sync_application')!;
    expect(sync.annotations?.destructiveHint).toBe(true);
    expect(sync._meta?.['pilothouse.dev/permissions']).toContainEqual(
      expect.objectContaining({
        system: 'argocd',
        resource: 'applications',
        action: 'sync',
        object: '<project>/<app>',
      }),
    );
    const rerun = tools.find(t => t.name === 'rerun_workflow')!;
    expect(rerun._meta?.['pilothouse.dev/permissions']).toEqual([
      { system: 'github', permission: 'actions:write' },
    ]);
  });

  it('syncs then rolls back an application, and the history shows both', async () => {
    const c = await connect();
    const before = await history(c, 'orders');
    expect(before.sync).toBe('OutOfSync');
    expect(before.currentHistoryId).toBe(2);

    const synced = await c.callTool({
      name: 'sync_application',
      arguments: { name: 'orders' },
    });
    expect(synced.isError).toBeFalsy();
    expect(synced.structuredContent).toEqual(
      expect.objectContaining({
        previousHistoryId: 2,
        historyId: 3,
        sync: 'Synced',
        undo: {
          tool: 'rollback_application',
          arguments: { name: 'orders', id: 2 },
        },
      }),
    );
    const afterSync = await history(c, 'orders');
    expect(afterSync.sync).toBe('Synced');
    expect(afterSync.history.map(h => h.id)).toEqual([3, 2, 1, 0]);

    const rolled = await c.callTool({
      name: 'rollback_application',
      arguments: { name: 'orders' },
    });
    expect(rolled.isError).toBeFalsy();
    expect(rolled.structuredContent).toEqual(
      expect.objectContaining({
        rolledBackTo: 2,
        previousHistoryId: 3,
        historyId: 4,
      }),
    );
    expect(textOf(rolled)).toMatch(/Undo: rollback_application id=3/);
    const afterRollback = await history(c, 'orders');
    expect(afterRollback.history[0]).toEqual(
      expect.objectContaining({ id: 4, revision: before.revision }),
    );
    expect(afterRollback.sync).toBe('OutOfSync');
  });

  it('promotes and aborts canaries and re-runs and dispatches workflows', async () => {
    const c = await connect();
    const promoted = await c.callTool({
      name: 'promote_rollout',
      arguments: { application: 'payments' },
    });
    expect(promoted.structuredContent).toEqual(
      expect.objectContaining({
        previousStep: 1,
        currentStep: 3,
        canaryWeight: 50,
        phase: 'Paused',
      }),
    );
    const aborted = await c.callTool({
      name: 'abort_rollout',
      arguments: { application: 'notifications' },
    });
    expect(aborted.structuredContent).toEqual(
      expect.objectContaining({ phase: 'Degraded', aborted: true }),
    );
    const status = await c.callTool({
      name: 'rollout_status',
      arguments: { application: 'notifications' },
    });
    expect(textOf(status)).toMatch(/platform\/notifications: Degraded/);

    const repository = 'pilothouse-demo/notifications';
    const runs = await c.callTool({
      name: 'list_workflow_runs',
      arguments: { repository, status: 'failure' },
    });
    const failed = (runs.structuredContent as { runs: Array<{ id: number }> })
      .runs[0];
    expect(failed).toBeDefined();
    const rerun = await c.callTool({
      name: 'rerun_workflow',
      arguments: { repository, runId: failed.id },
    });
    expect(rerun.isError).toBeFalsy();
    expect(rerun.structuredContent).toEqual(
      expect.objectContaining({
        previousAttempt: 1,
        previousConclusion: 'failure',
        attempt: 2,
        status: 'queued',
      }),
    );
    const dispatched = await c.callTool({
      name: 'dispatch_workflow',
      arguments: {
        repository,
        workflow: 'deploy.yml',
        ref: 'main',
        inputs: { environment: 'staging' },
      },
    });
    expect(dispatched.isError).toBeFalsy();
    const queued = await c.callTool({
      name: 'list_workflow_runs',
      arguments: { repository, status: 'queued' },
    });
    expect((queued.structuredContent as { runs: unknown[] }).runs).toHaveLength(
      2,
    );
  });

  it('in read-only mode neither lists nor runs changing tools', async () => {
    const c = await connect({ readOnly: true });
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual(READ_ONLY_TOOLS);
    const refused = await c.callTool({
      name: 'sync_application',
      arguments: { name: 'orders' },
    });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/sync_application/);
    expect((await history(c, 'orders')).currentHistoryId).toBe(2);
  });

  it('refuses applications, rollouts and repositories outside its project scope', async () => {
    const c = await connect({ scope: ['checkout'] });
    const listed = await c.callTool({
      name: 'list_applications',
      arguments: {},
    });
    expect(
      (
        listed.structuredContent as { applications: Array<{ name: string }> }
      ).applications
        .map(a => a.name)
        .sort(),
    ).toEqual(['checkout', 'inventory', 'orders']);

    const sync = await c.callTool({
      name: 'sync_application',
      arguments: { name: 'payments' },
    });
    expect(sync.isError).toBe(true);
    expect(textOf(sync)).toMatch(
      /project "payments", outside this server's scope \(checkout\) — hint:/,
    );
    const promote = await c.callTool({
      name: 'promote_rollout',
      arguments: { application: 'payments' },
    });
    expect(promote.isError).toBe(true);
    const rerun = await c.callTool({
      name: 'list_workflow_runs',
      arguments: { repository: 'pilothouse-demo/payments' },
    });
    expect(rerun.isError).toBe(true);
    const inScope = await c.callTool({
      name: 'list_workflow_runs',
      arguments: { repository: 'pilothouse-demo/orders' },
    });
    expect(inScope.isError).toBeFalsy();

    // Nothing changed for the refused application.
    const payments = await connect();
    expect((await history(payments, 'payments')).currentHistoryId).toBe(2);
  });

  it('answers expected failures with isError and a hint, never a crash', async () => {
    const c = await connect();
    const missing = await c.callTool({
      name: 'get_application',
      arguments: { name: 'no-such-app' },
    });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/Not found .* — hint:/);
    const badId = await c.callTool({
      name: 'rollback_application',
      arguments: { name: 'orders', id: 42 },
    });
    expect(badId.isError).toBe(true);
    expect(textOf(badId)).toMatch(/no history id 42 — hint: choose one of/);
    const badArgs = await c.callTool({
      name: 'rerun_workflow',
      arguments: { repository: 'not a repo', runId: -1 },
    });
    expect(badArgs.isError).toBe(true);
    const gone = await c.callTool({
      name: 'rerun_workflow',
      arguments: { repository: 'pilothouse-demo/orders', runId: 1 },
    });
    expect(textOf(gone)).toMatch(/Not found/);
  });

  it('reports an unreachable upstream without leaking its token', async () => {
    const c = await connect(
      {},
      createCicdClients({
        argocdUrl: 'http://127.0.0.1:1',
        argocdToken: 'argocd-secret-value',
        rolloutsUrl: 'http://127.0.0.1:1',
        githubApiUrl: 'http://127.0.0.1:1',
        githubToken: 'fake-github-token-for-test',
      }),
    );
    const res = await c.callTool({ name: 'list_applications', arguments: {} });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toMatch(/Cannot reach .* — hint:/);
    const gh = await c.callTool({
      name: 'list_workflow_runs',
      arguments: { repository: 'pilothouse-demo/orders' },
    });
    expect(gh.isError).toBe(true);
    for (const text of [textOf(res), textOf(gh)]) {
      expect(text).not.toContain('argocd-secret-value');
      expect(text).not.toContain('fake-github-token-for-test');
    }
  });

  it('refuses an unknown tool in the allow-list', () => {
    expect(() => selectTools({ allow: ['sync_everything'] })).toThrow(
      /Unknown tool\(s\) in the allow-list: sync_everything/,
    );
    expect(
      selectTools({
        allow: ['get_application', 'sync_application'],
        readOnly: true,
      }).map(t => t.name),
    ).toEqual(['get_application']);
  });
});
