/**
 * Tool-call round trip and cold start of the three Pilothouse MCP servers
 * over stdio and stateless Streamable HTTP, each beside the same server built
 * in-process and reached over the SDK's InMemoryTransport (which isolates
 * the transport's cost), and HTTP also beside a plain HTTP GET.
 *
 * Run alone: node --require @backstage/cli-node/config/nodeTransform.cjs
 *   packages/bench/bench/mcp-transports.bench.ts [--quick] [--json]
 */

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  ALL_TOOL_NAMES as AWS_TOOL_NAMES,
  createAwsMcpServer,
  createAwsRuntime,
  loadRoleMap,
} from '@pilothouse/mcp-aws';
import { createCicdClients, createCicdMcpServer } from '@pilothouse/mcp-cicd';
import {
  createKubernetesClients,
  createKubernetesMcpServer,
  loadKubeConfig,
} from '@pilothouse/mcp-kubernetes';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import {
  BenchmarkContext,
  drain,
  Measured,
  ReportRow,
  repoRoot,
  runBenchmark,
  summarize,
  waitForOutput,
} from '../src';

const nodeTransform = require.resolve(
  '@backstage/cli-node/config/nodeTransform.cjs',
);
const root = repoRoot(__dirname);
/** Calls per block; the variants take turns block by block. */
const BLOCK = 25;

interface ServerUnderTest {
  name: string;
  /** The server's entry point, run from source as its own tests do. */
  entry: string;
  /** Command-line arguments besides the transport. */
  args: string[];
  /** Environment besides PATH. */
  env: Record<string, string>;
  /** The same server, built in-process with the package's own factory. */
  createServer(): McpServer;
  call: { name: string; arguments: Record<string, unknown> };
  /** What the call does, for the report. */
  work: string;
}

interface Sandbox {
  url: string;
  kubeconfigPath: string;
}

// Children get PATH and what the server needs: no kubeconfig, AWS or GitHub
// credentials of whoever runs the benchmark leak in.
const childEnv = (env: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? '',
  ...env,
});

function rotate<T>(items: T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

function newClient() {
  return new Client({ name: 'pilothouse-bench', version: '0.0.0' });
}

function measured(label: string, samples: number[]): Measured {
  const summary = summarize(samples);
  return { label, summary };
}

function perCall(label: string, samples: number[]): Measured {
  const summary = summarize(samples);
  return { label, summary, perSecond: 1000 / summary.mean };
}

async function startSandbox(ctx: BenchmarkContext): Promise<Sandbox> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pilothouse-bench-'));
  process.once('exit', () =>
    fs.rmSync(dataDir, { recursive: true, force: true }),
  );
  const child = ctx.processes.spawn(
    process.execPath,
    [
      '--require',
      nodeTransform,
      require.resolve('@pilothouse/sandbox'),
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--seed',
      path.join(root, 'catalog', 'sandbox.yaml'),
    ],
    { cwd: root, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  drain(child.stderr);
  const [, url, kubeconfigPath] = await waitForOutput(
    child.stdout!,
    /listening on (http:\/\/\S+)[\s\S]*kubeconfig: (\S+)/,
    'the sandbox',
  );
  drain(child.stdout);
  return { url, kubeconfigPath };
}

/** A trivial HTTP endpoint in its own process: the floor for one HTTP round trip. */
async function startPlainHttp(ctx: BenchmarkContext): Promise<string> {
  const child = ctx.processes.spawn(
    process.execPath,
    [
      '-e',
      `require('node:http').createServer((req, res) => res.end('ok'))
        .listen(0, '127.0.0.1', function () {
          console.log('listening on http://127.0.0.1:' + this.address().port + '/');
        });`,
    ],
    { env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [, url] = await waitForOutput(
    child.stdout!,
    /listening on (\S+)/,
    'the plain HTTP endpoint',
  );
  return url;
}

function packageDir(entry: string) {
  return path.dirname(path.dirname(entry));
}

function serverArgv(server: ServerUnderTest, transport: string[]) {
  return [
    '--require',
    nodeTransform,
    server.entry,
    ...transport,
    ...server.args,
  ];
}

/** Starts the server as a program serving HTTP on a free port, with its /mcp URL. */
async function startHttpServer(
  ctx: BenchmarkContext,
  server: ServerUnderTest,
): Promise<{ url: string; stop(): void }> {
  const child = ctx.processes.spawn(
    process.execPath,
    serverArgv(server, ['--transport', 'http', '--port', '0']),
    {
      cwd: packageDir(server.entry),
      env: childEnv(server.env),
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const [, url] = await waitForOutput(
    child.stderr!,
    /"url":"(http:[^"]+)"/,
    `${server.name} over HTTP`,
  );
  drain(child.stderr);
  return { url, stop: () => child.kill('SIGTERM') };
}

interface Connection {
  client: Client;
  close(): Promise<void>;
}

/** Spawns the server as a program serving stdio and connects (initialize). */
async function connectStdio(
  ctx: BenchmarkContext,
  server: ServerUnderTest,
): Promise<Connection> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: serverArgv(server, ['--transport', 'stdio']),
    cwd: packageDir(server.entry),
    env: childEnv(server.env),
    stderr: 'pipe',
  });
  const stderr = drain(transport.stderr as Readable | null);
  const client = newClient();
  try {
    await client.connect(transport);
  } catch (error) {
    throw new Error(
      `${server.name} over stdio did not start: ${error}\n${stderr.tail()}`,
    );
  } finally {
    ctx.processes.track(transport.pid);
  }
  return {
    client,
    async close() {
      const pid = transport.pid;
      await client.close();
      ctx.processes.forget(pid);
    },
  };
}

async function connectHttp(url: string): Promise<Connection> {
  const client = newClient();
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return { client, close: () => client.close() };
}

async function connectInMemory(server: ServerUnderTest): Promise<Connection> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const mcpServer = server.createServer();
  await mcpServer.connect(serverSide);
  const client = newClient();
  await client.connect(clientSide);
  return {
    client,
    async close() {
      await client.close();
      await mcpServer.close();
    },
  };
}

async function callTool(client: Client, server: ServerUnderTest) {
  const result = await client.callTool(server.call);
  if (result.isError) {
    const text = (result.content as Array<{ text?: string }>)
      .map(c => c.text ?? '')
      .join(' ');
    throw new Error(`${server.name} ${server.call.name} failed: ${text}`);
  }
}

async function plainGet(url: string) {
  const res = await fetch(url);
  await res.text();
  if (!res.ok) {
    throw new Error(`plain GET ${url}: ${res.status}`);
  }
}

async function benchServer(
  ctx: BenchmarkContext,
  server: ServerUnderTest,
  plainUrl: string,
  counts: { coldRuns: number; calls: number; warmup: number },
): Promise<ReportRow[]> {
  ctx.progress(`${server.name}: starting over HTTP`);
  const httpServer = await startHttpServer(ctx, server);
  const httpUrl = httpServer.url;

  // Cold start: each kind in turn, so slow moments on the machine hit all of them.
  const cold = {
    stdio: [] as number[],
    http: [] as number[],
    memory: [] as number[],
  };
  const coldStarts: Record<keyof typeof cold, () => Promise<Connection>> = {
    stdio: () => connectStdio(ctx, server),
    http: () => connectHttp(httpUrl),
    memory: () => connectInMemory(server),
  };
  for (let i = 0; i < counts.coldRuns; i++) {
    ctx.progress(`${server.name}: cold start ${i + 1}/${counts.coldRuns}`);
    for (const kind of rotate(Object.keys(cold) as (keyof typeof cold)[], i)) {
      let connection: Connection | undefined;
      cold[kind].push(
        await timed(async () => {
          connection = await coldStarts[kind]();
          await connection.client.listTools();
        }),
      );
      await connection!.close();
    }
  }

  // Round trips over long-lived connections, the variants taking turns by block.
  ctx.progress(`${server.name}: ${counts.calls} tool calls per transport`);
  const connections = {
    stdio: await connectStdio(ctx, server),
    http: await connectHttp(httpUrl),
    memory: await connectInMemory(server),
  };
  try {
    const variants: Record<string, () => Promise<void>> = {
      stdio: () => callTool(connections.stdio.client, server),
      http: () => callTool(connections.http.client, server),
      memory: () => callTool(connections.memory.client, server),
      get: () => plainGet(plainUrl),
    };
    const samples: Record<string, number[]> = {};
    for (const [key, call] of Object.entries(variants)) {
      samples[key] = [];
      for (let i = 0; i < counts.warmup; i++) await call();
    }
    const blocks = Math.ceil(counts.calls / BLOCK);
    for (let b = 0; b < blocks; b++) {
      for (const key of rotate(Object.keys(variants), b)) {
        for (let i = 0; i < BLOCK; i++) {
          samples[key].push(await timed(variants[key]));
        }
      }
    }

    const inProcessCold = measured(
      'in-memory: new server, initialize, tools/list',
      cold.memory,
    );
    const inMemory = perCall('in-memory: same call', samples.memory);
    const tool = server.call.name;
    return [
      {
        group: server.name,
        ...measured(
          'stdio cold start: spawn, initialize, tools/list',
          cold.stdio,
        ),
        headline: `${server.name}: stdio cold start`,
        baselines: [inProcessCold],
      },
      {
        group: server.name,
        ...measured('http cold connect: initialize, tools/list', cold.http),
        headline: `${server.name}: http cold connect`,
        baselines: [inProcessCold],
      },
      {
        group: server.name,
        ...perCall(`stdio tool call: ${tool}`, samples.stdio),
        headline: `${server.name}: stdio round trip (${tool})`,
        baselines: [inMemory],
      },
      {
        group: server.name,
        ...perCall(`http tool call: ${tool}`, samples.http),
        headline: `${server.name}: http round trip (${tool})`,
        baselines: [inMemory, perCall('plain HTTP GET', samples.get)],
      },
    ];
  } finally {
    for (const connection of Object.values(connections)) {
      await connection.close().catch(() => {});
    }
    httpServer.stop();
  }
}

function serversUnderTest(sandbox: Sandbox): ServerUnderTest[] {
  const kubeClients = createKubernetesClients(
    loadKubeConfig(sandbox.kubeconfigPath),
  );
  const cicdEndpoints = {
    argocdUrl: `${sandbox.url}/argocd`,
    rolloutsUrl: `${sandbox.url}/argo-rollouts`,
    githubApiUrl: `${sandbox.url}/github`,
  };
  const cicdClients = createCicdClients(cicdEndpoints);

  // mcp-aws as the portal runs it on a laptop (app-config.yaml): the AWS SDK
  // sends every service to the sandbox's stand-in account.
  const awsEntry = require.resolve('@pilothouse/mcp-aws');
  const awsRoleMap = path.join(packageDir(awsEntry), 'roles.sandbox.yaml');
  const awsEnv = {
    AWS_ENDPOINT_URL: `${sandbox.url}/aws`,
    AWS_REGION: 'eu-west-1',
    // Placeholders, not secrets: the sandbox checks no signature.
    AWS_ACCESS_KEY_ID: 'sandbox',
    AWS_SECRET_ACCESS_KEY: 'sandbox',
  };
  // The in-process baseline's SDK clients read the same settings from here.
  Object.assign(process.env, awsEnv);
  const awsRuntime = createAwsRuntime({
    roleMap: loadRoleMap(awsRoleMap, AWS_TOOL_NAMES),
    region: awsEnv.AWS_REGION,
  });

  return [
    {
      name: 'mcp-kubernetes',
      entry: require.resolve('@pilothouse/mcp-kubernetes'),
      args: ['--kubeconfig', sandbox.kubeconfigPath],
      env: {},
      createServer: () =>
        createKubernetesMcpServer({ clients: kubeClients, logCalls: false }),
      call: { name: 'list_namespaces', arguments: {} },
      work: 'list_namespaces reads the sandbox Kubernetes API',
    },
    {
      name: 'mcp-cicd',
      entry: require.resolve('@pilothouse/mcp-cicd'),
      args: [
        '--argocd-url',
        cicdEndpoints.argocdUrl,
        '--rollouts-url',
        cicdEndpoints.rolloutsUrl,
        '--github-api-url',
        cicdEndpoints.githubApiUrl,
      ],
      env: {},
      createServer: () =>
        createCicdMcpServer({ clients: cicdClients, logCalls: false }),
      call: { name: 'list_applications', arguments: {} },
      work: 'list_applications reads the sandbox Argo CD API',
    },
    {
      name: 'mcp-aws',
      entry: awsEntry,
      args: ['--role-map', awsRoleMap, '--user', 'bench'],
      env: awsEnv,
      createServer: () =>
        createAwsMcpServer({
          runtime: awsRuntime,
          region: awsEnv.AWS_REGION,
          user: 'bench',
          logCalls: false,
        }),
      call: { name: 'list_alarms', arguments: {} },
      work: 'list_alarms calls CloudWatch DescribeAlarms on the sandbox AWS stand-in, with a role session from its sts:AssumeRole (assumed once, then cached) and a new SDK client per call, as the server does',
    },
  ];
}

runBenchmark({
  name: 'mcp-transports',
  title:
    'MCP tool-call round trip and cold start over stdio and Streamable HTTP',
  file: __filename,
  async run(ctx) {
    // The defaults keep the whole of `yarn bench` under 15 minutes on 2 cores.
    const counts = ctx.quick
      ? { coldRuns: 2, calls: 50, warmup: 5 }
      : { coldRuns: 3, calls: 200, warmup: 20 };
    ctx.progress('starting the sandbox and a plain HTTP endpoint');
    const [sandbox, plainUrl] = await Promise.all([
      startSandbox(ctx),
      startPlainHttp(ctx),
    ]);
    const servers = serversUnderTest(sandbox);
    const rows: ReportRow[] = [];
    for (const server of servers) {
      rows.push(...(await benchServer(ctx, server, plainUrl, counts)));
    }
    return {
      settings: {
        'cold starts': counts.coldRuns,
        'tool calls': counts.calls,
        'warm-up calls': counts.warmup,
      },
      rows,
      notes: [
        ...servers.map(s => `${s.name}: ${s.work}.`),
        `Baselines are measured in the same run, taking turns with the figures beside them (cold starts one by one, calls in blocks of ${BLOCK}), so other load on the machine falls on both.`,
        'Servers run from TypeScript source through the Backstage CLI node transform, as their tests do; stdio cold start includes that (a built dist/index.js starts faster).',
        "In-memory baselines: the same McpServer, built in this process with the package's own factory, over the SDK's InMemoryTransport; the ratio (×) to them is the cost of the transport and the process boundary. In memory the server's own work (e.g. its requests to the sandbox) shares this process with the client, while a spawned server has the other core, so a ratio near or below 1× can happen on a busy machine.",
        "HTTP is stateless Streamable HTTP: a fresh McpServer per request; a cold connect is initialize, notifications/initialized and tools/list (plus the SDK's GET for a server stream, which a stateless server refuses). Node fetch keeps the connection alive, as a long-running client would.",
        'Calls are sequential (one in flight), so per s = 1000 / mean. p99 of fewer than 100 samples is the maximum.',
        'The programs log one JSON line per call to stderr; the in-process baselines are built with logCalls: false.',
      ],
    };
  },
});
