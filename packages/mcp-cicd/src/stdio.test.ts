import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { spawnSync } from 'node:child_process';
import {
  newClient,
  packageDir,
  READ_ONLY_TOOLS,
  readmeToolNames,
  serverCommand,
  startTestSandbox,
  textOf,
} from './__testUtils__/fixtures';

// Spawning a server through the TypeScript transform takes seconds on a busy
// two-core machine.
jest.setTimeout(30_000);

type Sandbox = Awaited<ReturnType<typeof startTestSandbox>>;

const ARGOCD_TOKEN = 'argocd-token-never-to-be-seen';
const GITHUB_TOKEN = 'github-token-never-to-be-seen';

describe('mcp-cicd over real stdio', () => {
  let sandbox: Sandbox;
  let client: Client | undefined;
  let stderr = '';

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });

  afterAll(async () => {
    await sandbox.close();
  });

  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  async function spawnServer(args: string[], env: Record<string, string> = {}) {
    const { command, args: argv } = serverCommand([
      '--argocd-url',
      sandbox.endpoints.argocdUrl,
      '--rollouts-url',
      sandbox.endpoints.rolloutsUrl,
      ...args,
    ]);
    const transport = new StdioClientTransport({
      command,
      args: argv,
      cwd: packageDir,
      env: {
        PATH: process.env.PATH ?? '',
        GITHUB_API_URL: sandbox.endpoints.githubApiUrl,
        ARGOCD_TOKEN,
        GITHUB_TOKEN,
        ...env,
      },
      stderr: 'pipe',
    });
    stderr = '';
    transport.stderr?.on('data', chunk => {
      stderr += String(chunk);
    });
    client = newClient();
    await client.connect(transport);
    return client;
  }

  it('lists the README tools, syncs and rolls back, re-runs a run, and never shows a token', async () => {
    const c = await spawnServer([]);
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual(readmeToolNames());

    const synced = await c.callTool({
      name: 'sync_application',
      arguments: { name: 'checkout' },
    });
    expect(synced.isError).toBeFalsy();
    const { undo } = synced.structuredContent as {
      undo: { tool: string; arguments: Record<string, unknown> };
    };
    const rolled = await c.callTool({
      name: undo.tool,
      arguments: undo.arguments,
    });
    expect(rolled.structuredContent).toEqual(
      expect.objectContaining({ rolledBackTo: 2, historyId: 4 }),
    );

    const runs = await c.callTool({
      name: 'list_workflow_runs',
      arguments: { repository: 'pilothouse-demo/checkout', limit: 1 },
    });
    const [run] = (runs.structuredContent as { runs: Array<{ id: number }> })
      .runs;
    const rerun = await c.callTool({
      name: 'rerun_workflow',
      arguments: { repository: 'pilothouse-demo/checkout', runId: run.id },
    });
    expect(rerun.structuredContent).toEqual(
      expect.objectContaining({ attempt: 2, status: 'queued' }),
    );

    expect(stderr).toMatch(/"message":"tool call","tool":"rerun_workflow"/);
    for (const text of [
      stderr,
      textOf(synced),
      textOf(rolled),
      textOf(rerun),
    ]) {
      expect(text).not.toContain(ARGOCD_TOKEN);
      expect(text).not.toContain(GITHUB_TOKEN);
    }
  });

  it('in --read-only with --scope refuses sync and other projects', async () => {
    const c = await spawnServer(['--read-only', '--scope', 'checkout']);
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual(READ_ONLY_TOOLS);

    const sync = await c.callTool({
      name: 'sync_application',
      arguments: { name: 'orders' },
    });
    expect(sync.isError).toBe(true);
    expect(textOf(sync)).toMatch(/sync_application not found/);

    const outside = await c.callTool({
      name: 'get_application',
      arguments: { name: 'payments' },
    });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toMatch(/outside this server's scope/);
  });

  it('takes its settings from environment variables', async () => {
    const c = await spawnServer([], {
      MCP_ALLOW: 'list_applications,rollout_status',
      MCP_SCOPE: 'platform',
    });
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual([
      'list_applications',
      'rollout_status',
    ]);
    const status = await c.callTool({
      name: 'rollout_status',
      arguments: { application: 'notifications' },
    });
    expect(textOf(status)).toMatch(/platform\/notifications: Paused/);
  });

  it('prints --help with every flag and its environment variable', () => {
    const { command, args } = serverCommand(['--help']);
    const out = spawnSync(command, args, { cwd: packageDir, encoding: 'utf8' });
    expect(out.status).toBe(0);
    for (const expected of [
      '--transport',
      'MCP_TRANSPORT',
      '--port',
      '--read-only',
      '--allow',
      '--scope',
      'MCP_SCOPE',
      '--argocd-url',
      'ARGOCD_URL',
      'ARGOCD_TOKEN',
      '--github-api-url',
      'GITHUB_API_URL',
      'GITHUB_TOKEN',
      '--allowed-hosts',
    ]) {
      expect(out.stdout).toContain(expected);
    }
  });

  it('stops at start-up with a clear message for an unknown tool in --allow', () => {
    const { command, args } = serverCommand([
      '--allow',
      'list_applications,delete_cluster',
    ]);
    const out = spawnSync(command, args, { cwd: packageDir, encoding: 'utf8' });
    expect(out.status).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(
      /Unknown tool\(s\) in the allow-list: delete_cluster/,
    );
  });
});
