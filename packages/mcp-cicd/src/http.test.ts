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
import { CicdMcpOptions, createCicdMcpServer } from './server';

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

describe('mcp-cicd over stateless Streamable HTTP', () => {
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

  async function serve(options: Omit<CicdMcpOptions, 'clients'> = {}) {
    const clients = sandbox.clients();
    server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      allowedHosts: ['localhost', '127.0.0.1'],
      createServer: () =>
        createCicdMcpServer({ clients, logCalls: false, ...options }),
    });
    return server.url;
  }

  async function connect(url: string) {
    client = newClient();
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    return client;
  }

  it('lists the README tools and promotes a canary', async () => {
    const c = await connect(await serve());
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual(readmeToolNames());
    const promoted = await c.callTool({
      name: 'promote_rollout',
      arguments: { application: 'payments', full: true },
    });
    expect(promoted.structuredContent).toEqual(
      expect.objectContaining({ phase: 'Healthy', canaryWeight: 100 }),
    );
  });

  it('in read-only mode and with a scope refuses at tools/call', async () => {
    const c = await connect(
      await serve({ readOnly: true, scope: ['platform'] }),
    );
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual(READ_ONLY_TOOLS);
    const rollback = await c.callTool({
      name: 'rollback_application',
      arguments: { name: 'pilothouse' },
    });
    expect(rollback.isError).toBe(true);
    const outside = await c.callTool({
      name: 'get_application',
      arguments: { name: 'orders' },
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
    expect(fine.body).toContain('list_applications');
  });

  it('serves only POST /mcp', async () => {
    const url = await serve();
    const res = await fetch(url, { method: 'GET' });
    expect(res.status).toBe(405);
  });
});
