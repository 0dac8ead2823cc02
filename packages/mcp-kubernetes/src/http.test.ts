import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import http from 'node:http';
import {
  newClient,
  READ_ONLY_TOOLS,
  readmeToolNames,
  startTestSandbox,
  textOf,
} from './__testUtils__/fixtures';
import { startHttpServer } from './http';
import { createKubernetesClients, loadKubeConfig } from './kube';
import { createKubernetesMcpServer, KubernetesMcpOptions } from './server';

type Sandbox = Awaited<ReturnType<typeof startTestSandbox>>;

function rawPost(url: string, headers: Record<string, string>) {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/list',
    params: {},
  });
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
      },
      res => {
        let data = '';
        res.on('data', chunk => {
          data += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: data }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('mcp-kubernetes over stateless Streamable HTTP', () => {
  let sandbox: Sandbox;
  let server: { url: string; close(): Promise<void> } | undefined;
  let client: Client | undefined;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });

  afterAll(async () => {
    await sandbox.close();
  });

  afterEach(async () => {
    await client?.close();
    await server?.close();
    client = undefined;
    server = undefined;
  });

  async function serve(options: Omit<KubernetesMcpOptions, 'clients'> = {}) {
    const clients = createKubernetesClients(
      loadKubeConfig(sandbox.kubeconfigPath),
    );
    server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      allowedHosts: ['localhost', '127.0.0.1'],
      createServer: () =>
        createKubernetesMcpServer({ clients, logCalls: false, ...options }),
    });
    return server.url;
  }

  async function connect(url: string) {
    client = newClient();
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    return client;
  }

  it('lists the README tools and scales payments to 5 and back', async () => {
    const c = await connect(await serve());
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual(readmeToolNames());

    const pods = async () =>
      (
        (
          await c.callTool({
            name: 'get_workload',
            arguments: { namespace: 'payments', name: 'payments' },
          })
        ).structuredContent as { pods: unknown[] }
      ).pods.length;

    const scaled = await c.callTool({
      name: 'scale_deployment',
      arguments: { namespace: 'payments', name: 'payments', replicas: 5 },
    });
    expect(await pods()).toBe(5);
    const { previousReplicas } = scaled.structuredContent as {
      previousReplicas: number;
    };
    await c.callTool({
      name: 'scale_deployment',
      arguments: {
        namespace: 'payments',
        name: 'payments',
        replicas: previousReplicas,
      },
    });
    expect(await pods()).toBe(3);
  });

  it('in read-only mode and with a scope refuses at tools/call', async () => {
    const c = await connect(
      await serve({ readOnly: true, scope: ['platform'] }),
    );
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual(READ_ONLY_TOOLS);
    const scale = await c.callTool({
      name: 'scale_deployment',
      arguments: { namespace: 'platform', name: 'pilothouse', replicas: 0 },
    });
    expect(scale.isError).toBe(true);
    const outside = await c.callTool({
      name: 'pod_logs',
      arguments: { namespace: 'payments', pod: 'anything' },
    });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toMatch(/outside this server's scope \(platform\)/);
  });

  it('rejects a foreign Host or Origin header (DNS rebinding)', async () => {
    const url = await serve();
    const port = new URL(url).port;
    const evilHost = await rawPost(url, { host: `evil.example:${port}` });
    expect(evilHost.status).toBe(403);
    expect(JSON.parse(evilHost.body).error.message).toMatch(
      /Host "evil.example:\d+" is not allowed/,
    );

    const evilOrigin = await rawPost(url, {
      host: `localhost:${port}`,
      origin: 'http://evil.example',
    });
    expect(evilOrigin.status).toBe(403);

    const fine = await rawPost(url, {
      host: `localhost:${port}`,
      origin: `http://localhost:${port}`,
    });
    expect(fine.status).toBe(200);
    expect(fine.body).toContain('list_workloads');
  });

  it('serves only POST /mcp', async () => {
    const url = await serve();
    const res = await fetch(url, { method: 'GET' });
    expect(res.status).toBe(405);
    const other = await fetch(url.replace('/mcp', '/other'), {
      method: 'POST',
    });
    expect(other.status).toBe(404);
  });
});
