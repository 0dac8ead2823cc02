import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { DefaultMcpServersService } from './DefaultMcpServersService';
import { McpServerConfig, USER_META_KEY } from './types';

const echoServer: McpServerConfig = {
  id: 'echo',
  transport: 'stdio',
  command: process.execPath,
  args: [path.join(__dirname, '../__fixtures__/echo-server.js')],
  callTimeoutMs: 10_000,
};

async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise(r => setTimeout(r, 50));
    }
  }
}

function create(
  servers: McpServerConfig[],
  restart = { initialDelayMs: 100, maxDelayMs: 400 },
) {
  return DefaultMcpServersService.create({
    servers,
    restart,
    logger: mockServices.logger.mock(),
  });
}

describe('DefaultMcpServersService', () => {
  let service: DefaultMcpServersService | undefined;
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });

  it('spawns a stdio server, lists its tools and routes calls to it', async () => {
    service = create([echoServer]);
    await service.start();

    expect(service.status()).toEqual([
      expect.objectContaining({ id: 'echo', state: 'ready', tools: 2 }),
    ]);
    const tools = await service.listTools();
    expect(tools.map(t => `${t.serverId}/${t.tool.name}`).sort()).toEqual([
      'echo/crash',
      'echo/echo',
    ]);
    const result = await service.callTool('echo', 'echo', { text: 'hello' });
    expect(result.content[0]).toMatchObject({
      type: 'text',
      text: expect.stringContaining('echo: hello'),
    });
  });

  it("sends the portal user a call is made for in the request's _meta", async () => {
    service = create([echoServer]);
    await service.start();
    const result = await service.callTool(
      'echo',
      'echo',
      { text: 'hi' },
      { meta: { [USER_META_KEY]: 'user:default/alice' } },
    );
    expect(result.content[0]).toMatchObject({
      text: expect.stringContaining('echo: hi for user:default/alice'),
    });
  });

  it('reports a server that dies as unhealthy, then restarts it', async () => {
    // A backoff long enough to observe the unhealthy state before the restart.
    service = create([echoServer], {
      initialDelayMs: 1_000,
      maxDelayMs: 2_000,
    });
    await service.start();
    const before = await service.callTool('echo', 'echo', { text: 'x' });
    const pidBefore = /pid (\d+)/.exec(JSON.stringify(before.content))![1];

    await service.callTool('echo', 'crash', {});
    await eventually(() =>
      expect(service!.status()[0]).toMatchObject({
        state: 'unhealthy',
        lastError: expect.stringMatching(/closed/),
      }),
    );
    // While it is down, calls fail with a clear error instead of hanging.
    await expect(
      service.callTool('echo', 'echo', { text: 'x' }),
    ).rejects.toThrow(/MCP server "echo" is (unhealthy|starting)/);

    await eventually(() =>
      expect(service!.status()[0]).toMatchObject({
        state: 'ready',
        restarts: 1,
      }),
    );
    const after = await service.callTool('echo', 'echo', { text: 'x' });
    const pidAfter = /pid (\d+)/.exec(JSON.stringify(after.content))![1];
    expect(pidAfter).not.toBe(pidBefore);
  });

  it('keeps a server that cannot start in the report, retrying with backoff', async () => {
    // Backoff long enough that the first report is not already a retry.
    const restart = { initialDelayMs: 1_500, maxDelayMs: 3_000 };
    service = create(
      [
        echoServer,
        {
          id: 'broken',
          transport: 'stdio',
          command: '/nonexistent/mcp-server',
          callTimeoutMs: 1_000,
        },
        {
          id: 'unreachable',
          transport: 'http',
          url: 'http://127.0.0.1:9/mcp',
          callTimeoutMs: 1_000,
        },
      ],
      restart,
    );
    await service.start();

    const byId = Object.fromEntries(service.status().map(s => [s.id, s]));
    expect(byId.echo.state).toBe('ready');
    expect(byId.broken).toMatchObject({
      state: 'unhealthy',
      lastError: expect.stringMatching(/ENOENT|nonexistent/),
      nextRetryAt: expect.any(String),
    });
    expect(byId.unreachable.state).toBe('unhealthy');
    // The healthy server's tools are still served.
    expect((await service.listTools()).map(t => t.serverId)).toEqual([
      'echo',
      'echo',
    ]);
    await eventually(
      () =>
        expect(
          service!.status().find(s => s.id === 'broken')!.restarts,
        ).toBeGreaterThanOrEqual(2),
      25_000,
    );
    await expect(service.callTool('broken', 'anything', {})).rejects.toThrow(
      /MCP server "broken" is/,
    );
    await expect(service.callTool('nope', 'echo', {})).rejects.toThrow(
      /No MCP server "nope"/,
    );
    await expect(service.callTool('echo', 'nope', {})).rejects.toThrow(
      /has no tool "nope"/,
    );
  }, 40_000);
});
