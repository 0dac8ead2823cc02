import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { startCluster, TestCluster } from './__testUtils__/cluster';
import { bearer, Portal, startPortal } from './__testUtils__/portal';
import { eventually } from './__testUtils__/servers';

const PAYMENTS = 'component:default/payments';

let cluster: TestCluster;
let portal: Portal;

beforeAll(async () => {
  cluster = await startCluster();
  portal = await startPortal({ kubeconfigPath: cluster.kubeconfigPath });
}, 120_000);

afterAll(async () => {
  await portal?.stop();
  await cluster?.close();
}, 60_000);

/** The pid of the mcp-kubernetes process this backend spawned. */
async function serverPid(): Promise<number> {
  const { stdout } = await promisify(execFile)('ps', [
    '-o',
    'pid=,args=',
    '--ppid',
    String(process.pid),
  ]);
  const line = stdout
    .split('\n')
    .find(l => l.includes('mcp-kubernetes/src/index.ts'));
  if (!line) {
    throw new Error('no mcp-kubernetes process is running');
  }
  return Number(line.trim().split(/\s+/, 1)[0]);
}

async function kubernetesStatus() {
  const res = await request(portal.server)
    .get('/api/mcp-servers/servers')
    .set('authorization', bearer('alice'));
  return res.body.items.find((s: any) => s.id === 'kubernetes');
}

const listWorkloads = () =>
  request(portal.server)
    .post('/api/llm-gateway/v1/tools/call')
    .set('authorization', bearer('alice'))
    .send({
      tool: 'kubernetes.list_workloads',
      arguments: { namespace: 'payments' },
      entityRef: PAYMENTS,
    });

describe('an MCP server killed in the middle of a call', () => {
  it('fails that call with a clear error, is restarted, and the next call works', async () => {
    await eventually(
      'mcp-kubernetes did not become ready',
      async () => {
        expect(await kubernetesStatus()).toMatchObject({ state: 'ready' });
      },
      60_000,
    );
    const before = await listWorkloads();
    expect(before.status).toBe(200);
    expect(JSON.stringify(before.body)).toContain('payments/payments');
    const killed = await serverPid();

    // The cluster hangs, so the call is still in the server when it dies.
    cluster.setStalled(true);
    // then() sends it now; the answer is awaited after the kill.
    const answered = listWorkloads().then(res => res);
    await eventually('the call never reached the cluster', async () => {
      expect(cluster.stalledConnections()).toBeGreaterThan(0);
    });
    process.kill(killed, 'SIGKILL');

    // Answered at once (the call's timeout is 60 s), as a 503 naming the
    // server and the tool, not a 500 or a hang.
    const failed = await answered;
    expect(failed.status).toBe(503);
    expect(failed.body.error.message).toMatch(
      /MCP server "kubernetes" failed the call to "list_workloads"/,
    );

    cluster.setStalled(false);
    await eventually(
      'mcp-kubernetes was not restarted',
      async () => {
        expect(await kubernetesStatus()).toMatchObject({
          state: 'ready',
          restarts: 1,
        });
      },
      60_000,
    );
    expect(await serverPid()).not.toBe(killed);

    const after = await listWorkloads();
    expect(after.status).toBe(200);
    expect(JSON.stringify(after.body)).toContain('payments/payments');
  }, 180_000);
});
