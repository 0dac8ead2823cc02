import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { checkRouteAccess } from '@pilothouse/http-route-tests';
import { mcpServersPlugin } from './plugin';

jest.setTimeout(60_000);

describe('/api/mcp-servers access', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        mcpServersPlugin,
        // No token, no caller (the mock's default is a signed-in user).
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
  });

  afterAll(() => backend?.stop());

  it('refuses anonymous callers on every route', async () => {
    const reason =
      'server health and tool names, the same for every signed-in user; what a tool may do is decided by the gateway when it is called';
    expect(
      await checkRouteAccess({
        server: backend.server,
        pluginId: 'mcp-servers',
        withoutPermission: () => {
          throw new Error('no route here checks a permission');
        },
        routes: {
          'GET /servers': { signedIn: reason },
          'GET /servers/:id/tools': { signedIn: reason },
        },
      }),
    ).toEqual([]);
  });
});
