import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  newClient,
  packageDir,
  READ_ONLY_TOOLS,
  readmeToolNames,
  ROLE_MAP,
  serverCommand,
  textOf,
} from './__testUtils__/fixtures';

// Each test spawns the server, which first compiles its TypeScript entry
// point: several seconds on a busy machine, more than Jest's default 5 s.
jest.setTimeout(30_000);

// These calls need no AWS: listing, and refusals that happen before any AWS call.
describe('mcp-aws over real stdio', () => {
  let client: Client | undefined;
  let stderr = '';
  let tmp: string;
  let roleMapFile: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pilothouse-mcp-aws-'));
    roleMapFile = path.join(tmp, 'roles.yaml');
    fs.writeFileSync(
      roleMapFile,
      Object.entries(ROLE_MAP)
        .map(([tool, arn]) => `${tool}: ${arn}\n`)
        .join(''),
    );
  });

  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  async function spawnServer(args: string[], env: Record<string, string> = {}) {
    const { command, args: argv } = serverCommand(args);
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

  it('lists the README tools', async () => {
    const c = await spawnServer(['--role-map', roleMapFile]);
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual(readmeToolNames());
  });

  it('in --read-only with --scope refuses scale_ecs_service and other regions', async () => {
    const c = await spawnServer([
      '--read-only',
      '--scope',
      'eu-west-1',
      '--role-map',
      roleMapFile,
      '--user',
      'alice',
    ]);
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
    expect(textOf(scale)).toMatch(/scale_ecs_service not found/);

    const outside = await c.callTool({
      name: 'list_alarms',
      arguments: { region: 'us-east-1' },
    });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toMatch(
      /Region "us-east-1" is outside this server's scope/,
    );

    // Logs go to stderr as JSON lines; the role map's path is not logged.
    // stderr is a separate pipe, so its line may arrive after the result.
    for (let i = 0; i < 40 && !stderr.includes('"tool":"list_alarms"'); i++) {
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    expect(stderr).toMatch(/"message":"tool call","tool":"list_alarms"/);
    expect(stderr).not.toContain(roleMapFile);
  });

  it('takes its settings from environment variables', async () => {
    const c = await spawnServer([], {
      MCP_READ_ONLY: 'true',
      MCP_ALLOW: 'list_alarms,scale_ecs_service,triage_incident',
      MCP_AWS_ROLE_MAP: roleMapFile,
    });
    const { tools } = await c.listTools();
    expect(tools.map(t => t.name)).toEqual(['list_alarms', 'triage_incident']);
  });

  it('--help lists every flag with its environment variable', () => {
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
      '--role-map',
      'MCP_AWS_ROLE_MAP',
      '--user',
      'MCP_AWS_USER',
      '--allowed-hosts',
    ]) {
      expect(out.stdout).toContain(expected);
    }
  });

  it('stops at start-up with a clear message for a bad role map or allow-list', () => {
    const badMap = path.join(tmp, 'bad.json');
    fs.writeFileSync(
      badMap,
      JSON.stringify({ drop_database: ROLE_MAP.default }),
    );
    const map = serverCommand(['--role-map', badMap]);
    const out = spawnSync(map.command, map.args, {
      cwd: packageDir,
      encoding: 'utf8',
    });
    expect(out.status).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(
      /Unknown tool\(s\) in role map .*: drop_database/,
    );

    const allow = serverCommand(['--allow', 'list_alarms,delete_vpc']);
    const out2 = spawnSync(allow.command, allow.args, {
      cwd: packageDir,
      encoding: 'utf8',
    });
    expect(out2.status).toBe(1);
    expect(out2.stderr).toMatch(
      /Unknown tool\(s\) in the allow-list: delete_vpc/,
    );
  });
});
