import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  newClient,
  READ_ONLY_TOOLS,
  readmeToolNames,
  startTestSandbox,
  textOf,
} from './__testUtils__/fixtures';
import { createKubernetesClients, loadKubeConfig } from './kube';
import { createKubernetesMcpServer, KubernetesMcpOptions } from './server';

type Sandbox = Awaited<ReturnType<typeof startTestSandbox>>;

describe('mcp-kubernetes over an in-process transport, against the sandbox', () => {
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

  async function connect(options: Omit<KubernetesMcpOptions, 'clients'> = {}) {
    const server = createKubernetesMcpServer({
      clients: createKubernetesClients(loadKubeConfig(sandbox.kubeconfigPath)),
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

  async function replicasOfPayments(c: Client) {
    const res = await c.callTool({
      name: 'get_workload',
      arguments: { namespace: 'payments', name: 'payments' },
    });
    const content = res.structuredContent as {
      workload: { desired: number; ready: number; revision: number };
      pods: Array<{ name: string; ready: boolean }>;
      events: Array<{ reason: string; message: string }>;
    };
    return content;
  }

  it('lists exactly the README tools, each with annotations and RBAC in _meta', async () => {
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
      expect(tool._meta?.['pilothouse.dev/permissions']).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ verbs: expect.any(Array) }),
        ]),
      );
    }
    const scale = tools.find(t => t.name === 'scale_deployment')!;
    expect(scale.annotations?.destructiveHint).toBe(true);
    expect(scale._meta?.['pilothouse.dev/permissions']).toEqual([
      {
        apiGroups: ['apps'],
        resources: ['deployments/scale'],
        verbs: ['get', 'patch'],
      },
    ]);
  });

  it('scales payments to 5, shows 5 pods, and the returned undo brings back 3', async () => {
    const c = await connect();
    const before = await replicasOfPayments(c);
    expect(before.pods).toHaveLength(3);

    const scaled = await c.callTool({
      name: 'scale_deployment',
      arguments: { namespace: 'payments', name: 'payments', replicas: 5 },
    });
    expect(scaled.isError).toBeFalsy();
    const { previousReplicas, undo } = scaled.structuredContent as {
      previousReplicas: number;
      undo: { tool: string; arguments: Record<string, unknown> };
    };
    expect(previousReplicas).toBe(3);

    const after = await replicasOfPayments(c);
    expect(after.workload.desired).toBe(5);
    expect(after.pods).toHaveLength(5);
    expect(after.pods.every(p => p.ready)).toBe(true);
    expect(after.events.map(e => e.message)).toContainEqual(
      expect.stringMatching(/Scaled up replica set payments-\w+ from 3 to 5/),
    );

    const undone = await c.callTool({
      name: undo.tool,
      arguments: undo.arguments,
    });
    expect(undone.isError).toBeFalsy();
    const restored = await replicasOfPayments(c);
    expect(restored.workload.desired).toBe(3);
    expect(restored.pods).toHaveLength(3);
  });

  it('restarts with new pods and undo_rollout returns to the previous revision', async () => {
    const c = await connect();
    const before = await replicasOfPayments(c);
    const restarted = await c.callTool({
      name: 'restart_deployment',
      arguments: { namespace: 'payments', name: 'payments' },
    });
    expect(restarted.isError).toBeFalsy();
    expect(restarted.structuredContent).toMatchObject({
      previousRevision: 1,
      revision: 2,
    });
    const after = await replicasOfPayments(c);
    expect(after.workload.revision).toBe(2);
    const oldNames = before.pods.map(p => p.name);
    expect(after.pods.filter(p => oldNames.includes(p.name))).toEqual([]);

    const undone = await c.callTool({
      name: 'undo_rollout',
      arguments: { namespace: 'payments', name: 'payments' },
    });
    expect(undone.structuredContent).toMatchObject({
      fromRevision: 2,
      toRevision: 1,
    });
    const rolledBack = await replicasOfPayments(c);
    // The revision-1 template is back, as revision 3 (as kubectl rollout undo does).
    expect(rolledBack.workload.revision).toBe(3);
    expect(rolledBack.pods).toHaveLength(3);
    // ...by re-using the revision-1 ReplicaSet, so pods carry its template hash.
    const replicaSetOf = (pod: string) => pod.split('-').slice(0, 2).join('-');
    expect(new Set(rolledBack.pods.map(p => replicaSetOf(p.name)))).toEqual(
      new Set([replicaSetOf(before.pods[0].name)]),
    );
  });

  it('health_check finds the crash-looping and the pending workload, and nothing in payments', async () => {
    const c = await connect();
    const cluster = await c.callTool({ name: 'health_check', arguments: {} });
    const findings = (
      cluster.structuredContent as {
        findings: Array<{ kind: string; namespace: string; object: string }>;
      }
    ).findings;
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'CrashLoop', namespace: 'platform' }),
        expect.objectContaining({ kind: 'Pending', namespace: 'checkout' }),
        expect.objectContaining({
          kind: 'WarningEvents',
          namespace: 'platform',
        }),
      ]),
    );
    expect(textOf(cluster)).toMatch(/^2 critical/);

    const payments = await c.callTool({
      name: 'health_check',
      arguments: { namespace: 'payments' },
    });
    expect(payments.structuredContent).toMatchObject({ healthy: true });
    expect(textOf(payments)).toMatch(/^Healthy/);
  });

  it('reads a bounded tail of pod logs, and the crash from the previous container', async () => {
    const c = await connect();
    const { pods } = await replicasOfPayments(c);
    const logs = await c.callTool({
      name: 'pod_logs',
      arguments: { namespace: 'payments', pod: pods[0].name, tailLines: 2 },
    });
    expect(logs.structuredContent).toMatchObject({ lines: 2 });

    const health = await c.callTool({
      name: 'health_check',
      arguments: { namespace: 'platform' },
    });
    const crashing = (
      health.structuredContent as {
        findings: Array<{ kind: string; object: string }>;
      }
    ).findings.find(f => f.kind === 'CrashLoop')!;
    const crashLog = await c.callTool({
      name: 'pod_logs',
      arguments: {
        namespace: 'platform',
        pod: crashing.object.replace('Pod/', ''),
        previous: true,
      },
    });
    expect(textOf(crashLog)).toMatch(/exiting with status 1/);

    const tooMany = await c.callTool({
      name: 'pod_logs',
      arguments: {
        namespace: 'payments',
        pod: pods[0].name,
        tailLines: 10_000,
      },
    });
    expect(tooMany.isError).toBe(true);
  });

  it('answers not-found and bad arguments with isError and a hint, and keeps serving', async () => {
    const c = await connect();
    const missing = await c.callTool({
      name: 'get_workload',
      arguments: { namespace: 'payments', name: 'no-such-thing' },
    });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/not found.*— hint: .*list_workloads/);

    const bad = await c.callTool({
      name: 'scale_deployment',
      arguments: { namespace: 'payments', name: 'payments', replicas: -1 },
    });
    expect(bad.isError).toBe(true);
    const wrongType = await c.callTool({
      name: 'scale_deployment',
      arguments: { namespace: 'Payments!', name: 'payments', replicas: 'five' },
    });
    expect(wrongType.isError).toBe(true);

    expect((await replicasOfPayments(c)).workload.desired).toBe(3);
  });

  it('reports an unreachable cluster as isError with a hint', async () => {
    const c = await connect();
    await sandbox.close();
    const res = await c.callTool({ name: 'list_namespaces', arguments: {} });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toMatch(
      /Cannot reach the Kubernetes API server.*— hint:/,
    );
    sandbox = await startTestSandbox();
  });

  it('in read-only mode neither lists nor runs scale_deployment', async () => {
    const c = await connect({ readOnly: true });
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual(READ_ONLY_TOOLS);
    const res = await c.callTool({
      name: 'scale_deployment',
      arguments: { namespace: 'payments', name: 'payments', replicas: 5 },
    });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toMatch(/scale_deployment not found/);
    expect((await replicasOfPayments(c)).workload.desired).toBe(3);
  });

  it('with an allow-list registers only the listed tools', async () => {
    const c = await connect({ allow: ['list_workloads', 'scale_deployment'] });
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual([
      'list_workloads',
      'scale_deployment',
    ]);
    const res = await c.callTool({ name: 'health_check', arguments: {} });
    expect(res.isError).toBe(true);
    expect(() =>
      createKubernetesMcpServer({
        clients: createKubernetesClients(
          loadKubeConfig(sandbox.kubeconfigPath),
        ),
        allow: ['delete_cluster'],
      }),
    ).toThrow(/Unknown tool\(s\) in the allow-list: delete_cluster/);
  });

  it('with a scope refuses other namespaces and lists only in-scope data', async () => {
    const c = await connect({ scope: ['checkout'] });
    const refused = await c.callTool({
      name: 'scale_deployment',
      arguments: { namespace: 'payments', name: 'payments', replicas: 5 },
    });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(
      /"payments" is outside this server's scope \(checkout\) — hint:/,
    );

    const namespaces = await c.callTool({
      name: 'list_namespaces',
      arguments: {},
    });
    expect(
      (
        namespaces.structuredContent as { namespaces: Array<{ name: string }> }
      ).namespaces.map(n => n.name),
    ).toEqual(['checkout']);
    const workloads = await c.callTool({
      name: 'list_workloads',
      arguments: {},
    });
    expect(
      (
        workloads.structuredContent as {
          workloads: Array<{ namespace: string }>;
        }
      ).workloads.every(w => w.namespace === 'checkout'),
    ).toBe(true);
    const health = await c.callTool({ name: 'health_check', arguments: {} });
    expect(textOf(health)).not.toMatch(/platform/);
  });
});
