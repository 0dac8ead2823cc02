import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { fuzzPluginRoutes, routeKey } from '@pilothouse/http-route-tests';
import fc from 'fast-check';
import path from 'node:path';
import { mcpServersPlugin } from './plugin';

jest.setTimeout(60_000);

/** The MCP servers package's own test server, spawned over stdio. */
const ECHO_SERVER = path.resolve(
  require.resolve('@pilothouse/plugin-mcp-servers-node/package.json'),
  '../src/__fixtures__/echo-server.js',
);

describe('/api/mcp-servers under hostile input', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        mcpServersPlugin,
        mockServices.rootConfig.factory({
          data: {
            pilothouse: {
              mcp: {
                servers: [
                  {
                    id: 'echo',
                    command: process.execPath,
                    args: [ECHO_SERVER],
                  },
                ],
              },
            },
          },
        }),
      ],
    });
  });

  afterAll(() => backend?.stop());

  it('answers every route below 500, with a message for every 4xx', async () => {
    const { routes } = await fuzzPluginRoutes({
      server: backend.server,
      pluginId: 'mcp-servers',
      authorization: `Bearer ${mockCredentials.user.token()}`,
      routes: {
        'GET /servers': {},
        'GET /servers/:id/tools': {
          params: { id: fc.oneof(fc.constant('echo'), fc.string()) },
        },
      },
    });
    expect(routes.map(routeKey)).toContain('GET /servers/:id/tools');
  });
});
