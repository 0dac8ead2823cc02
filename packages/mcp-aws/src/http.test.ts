import {
  ECSClient,
  UpdateServiceCommand,
  DescribeServicesCommand,
} from '@aws-sdk/client-ecs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mockClient } from 'aws-sdk-client-mock';
import http from 'node:http';
import {
  awsException,
  catalogPath,
  FAKE_CREDENTIALS,
  newClient,
  READ_ONLY_TOOLS,
  readmeToolNames,
  ROLE_MAP,
  textOf,
} from './__testUtils__/fixtures';
import { startHttpServer } from './http';
import {
  AwsMcpOptions,
  createAwsMcpServer,
  createAwsRuntime,
  USER_META_KEY,
} from './server';

const sts = mockClient(STSClient);
const ecs = mockClient(ECSClient);

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

describe('mcp-aws over stateless Streamable HTTP, with mocked AWS clients', () => {
  let server: { url: string; close(): Promise<void> } | undefined;
  let client: Client | undefined;

  beforeEach(() => {
    sts.reset();
    ecs.reset();
    sts.on(AssumeRoleCommand).resolves({ Credentials: FAKE_CREDENTIALS });
    ecs.on(DescribeServicesCommand).resolves({
      services: [{ serviceName: 'payments-api', desiredCount: 3 }],
    });
    ecs
      .on(UpdateServiceCommand)
      .callsFake(input => ({ service: { desiredCount: input.desiredCount } }));
  });

  afterEach(async () => {
    await client?.close();
    await server?.close();
    client = undefined;
    server = undefined;
  });

  async function serve(options: Partial<AwsMcpOptions> = {}) {
    // One runtime for all requests, as index.ts does: breakers and sessions outlive a request.
    const runtime = createAwsRuntime({
      roleMap: ROLE_MAP,
      region: 'eu-west-1',
      sts: new STSClient({ region: 'eu-west-1' }),
      resilience: { initialDelayMs: 1, breakerThreshold: 2, logEvents: false },
    });
    server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      allowedHosts: ['localhost', '127.0.0.1'],
      createServer: () =>
        createAwsMcpServer({
          runtime,
          region: 'eu-west-1',
          catalogPath,
          logCalls: false,
          ...options,
        }),
    });
    return server.url;
  }

  async function connect(url: string) {
    client = newClient();
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    return client;
  }

  it('lists the README tools and scales an ECS service for the user named in _meta', async () => {
    const c = await connect(await serve());
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual(readmeToolNames());

    const scaled = await c.callTool({
      name: 'scale_ecs_service',
      arguments: {
        cluster: 'payments',
        service: 'payments-api',
        desiredCount: 5,
      },
      _meta: { [USER_META_KEY]: 'bob' },
    });
    expect(scaled.isError).toBeFalsy();
    expect(scaled.structuredContent).toMatchObject({ previousDesiredCount: 3 });
    expect(sts.commandCalls(AssumeRoleCommand)[0].args[0].input).toMatchObject({
      RoleArn: ROLE_MAP.scale_ecs_service,
      RoleSessionName: 'pilothouse-bob',
    });
  });

  it('in read-only mode and with a scope refuses at tools/call', async () => {
    const c = await connect(
      await serve({ readOnly: true, scope: ['eu-west-1'], user: 'alice' }),
    );
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual(READ_ONLY_TOOLS);
    const scale = await c.callTool({
      name: 'scale_ecs_service',
      arguments: {
        cluster: 'payments',
        service: 'payments-api',
        desiredCount: 0,
      },
    });
    expect(scale.isError).toBe(true);
    const outside = await c.callTool({
      name: 'describe_ecs_service',
      arguments: {
        region: 'ap-south-1',
        cluster: 'payments',
        service: 'payments-api',
      },
    });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toMatch(
      /outside this server's scope \(eu-west-1\)/,
    );
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('keeps a breaker open across requests, though each request gets a fresh server', async () => {
    ecs
      .on(DescribeServicesCommand)
      .rejects(awsException('InternalFailure', 500));
    const c = await connect(await serve({ user: 'alice' }));
    const call = () =>
      c.callTool({
        name: 'describe_ecs_service',
        arguments: { cluster: 'payments', service: 'payments-api' },
      });
    await call();
    await call();
    const open = await call();
    expect(textOf(open)).toMatch(/circuit breaker opened.*— hint:/);
  });

  it('rejects a foreign Host or Origin header (DNS rebinding)', async () => {
    const url = await serve();
    const port = new URL(url).port;
    const evilHost = await rawPost(url, { host: `evil.example:${port}` });
    expect(evilHost.status).toBe(403);
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
    expect(fine.body).toContain('triage_incident');
  });

  it('serves only POST /mcp', async () => {
    const url = await serve();
    expect((await fetch(url, { method: 'GET' })).status).toBe(405);
    expect(
      (await fetch(url.replace('/mcp', '/other'), { method: 'POST' })).status,
    ).toBe(404);
  });
});
