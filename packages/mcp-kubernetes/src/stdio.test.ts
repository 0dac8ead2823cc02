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

describe('mcp-kubernetes over real stdio', () => {
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
      '--kubeconfig',
      sandbox.kubeconfigPath,
      ...args,
    ]);
    const transport = new StdioClientTransport({
      command,
      args: argv,
      cwd: packageDir,
      env: { PATH: process.env.PATH ?? '', ...env },
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

  async function paymentsPods(c: Client) {
    const res = await c.callTool({
      name: 'get_workload',
      arguments: { namespace: 'payments', name: 'payments' },
    });
    return (res.structuredContent as { pods: unknown[] }).pods.length;
  }

  it('lists the README tools and scales payments to 5 and back', async () => {
    const c = await spawnServer([]);
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual(readmeToolNames());

    const scaled = await c.callTool({
      name: 'scale_deployment',
      arguments: { namespace: 'payments', name: 'payments', replicas: 5 },
    });
    expect(await paymentsPods(c)).toBe(5);
    const { undo } = scaled.structuredContent as {
      undo: { tool: string; arguments: Record<string, unknown> };
    };
    await c.callTool({ name: undo.tool, arguments: undo.arguments });
    expect(await paymentsPods(c)).toBe(3);

    // Logs go to stderr as JSON lines, without the kubeconfig.
    expect(stderr).toMatch(/"message":"tool call","tool":"scale_deployment"/);
    expect(stderr).not.toContain('kubeconfig.yaml');
  });

  it('in --read-only with --scope refuses scale_deployment and other namespaces', async () => {
    const c = await spawnServer(['--read-only', '--scope', 'checkout']);
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual(READ_ONLY_TOOLS);

    const scale = await c.callTool({
      name: 'scale_deployment',
      arguments: { namespace: 'checkout', name: 'orders', replicas: 4 },
    });
    expect(scale.isError).toBe(true);
    expect(textOf(scale)).toMatch(/scale_deployment not found/);

    const outside = await c.callTool({
      name: 'get_workload',
      arguments: { namespace: 'payments', name: 'payments' },
    });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toMatch(/outside this server's scope/);

    const inside = await c.callTool({
      name: 'get_workload',
      arguments: { namespace: 'checkout', name: 'orders' },
    });
    expect(inside.isError).toBeFalsy();
    expect(
      (inside.structuredContent as { workload: { desired: number } }).workload
        .desired,
    ).toBe(2);
  });

  it('takes its settings from environment variables', async () => {
    const c = await spawnServer([], {
      MCP_ALLOW: 'list_workloads,get_workload',
      MCP_SCOPE: 'payments',
    });
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual(['list_workloads', 'get_workload']);
    const outside = await c.callTool({
      name: 'list_workloads',
      arguments: { namespace: 'checkout' },
    });
    expect(outside.isError).toBe(true);
  });

  it('prints --help with every flag and its environment variable', () => {
    const { command, args } = serverCommand(['--help']);
    const out = spawnSync(command, args, { cwd: packageDir, encoding: 'utf8' });
    expect(out.status).toBe(0);
    for (const expected of [
      '--transport',
      'MCP_TRANSPORT',
      '--port',
      'MCP_PORT',
      '--read-only',
      'MCP_READ_ONLY',
      '--allow',
      'MCP_ALLOW',
      '--scope',
      'MCP_SCOPE',
      '--kubeconfig',
      '--allowed-hosts',
    ]) {
      expect(out.stdout).toContain(expected);
    }
  });

  it('stops at start-up with a clear message for an unknown tool in --allow', () => {
    const { command, args } = serverCommand([
      '--kubeconfig',
      sandbox.kubeconfigPath,
      '--allow',
      'list_workloads,drop_database',
    ]);
    const out = spawnSync(command, args, { cwd: packageDir, encoding: 'utf8' });
    expect(out.status).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(
      /Unknown tool\(s\) in the allow-list: drop_database/,
    );
  });
});
