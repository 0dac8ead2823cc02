import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { checkRouteAccess } from '@pilothouse/http-route-tests';
import { allEntities } from './__fixtures__';
import { agentsPlugin } from './plugin';

jest.setTimeout(60_000);

/** What the catalog lets the caller read is what they get: the catalog's permissions apply. */
const THROUGH_CATALOG =
  'reads Agent and MCPServer entities from the catalog with the caller’s credentials, so the catalog’s read permission decides (a hidden agent is a 404)';

describe('/api/agents access', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        agentsPlugin,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        catalogServiceMock.factory({ entities: allEntities }),
        mockServices.rootConfig.factory({
          data: {
            agents: {
              gitops: {
                repoUrl: 'https://git.example.com/platform/gitops.git',
              },
            },
          },
        }),
      ],
    });
  });

  afterAll(() => backend?.stop());

  it('refuses anonymous callers everywhere but /health', async () => {
    expect(
      await checkRouteAccess({
        server: backend.server,
        pluginId: 'agents',
        withoutPermission: () => {
          throw new Error('no route here checks a permission of its own');
        },
        routes: {
          'GET /health': { public: 'the liveness probe; says only "ok"' },
          'GET /v1/agents': { signedIn: THROUGH_CATALOG },
          'GET /v1/agents/:namespace/:name/manifests': {
            signedIn: THROUGH_CATALOG,
          },
          'GET /v1/agents/:namespace/:name/isolation': {
            signedIn: THROUGH_CATALOG,
          },
          'POST /v1/render': {
            signedIn:
              'renders manifests for an entity in the body (a template’s dry run); the MCP servers it names are read from the catalog with the caller’s credentials',
          },
        },
      }),
    ).toEqual([]);
  });
});
