import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { checkRouteAccess } from '@pilothouse/http-route-tests';
import { repoSloEntities } from './__testUtils__/repoSlos';
import { sloPlugin } from './plugin';

jest.setTimeout(60_000);

/** SLOs are catalog entities: the catalog's read permission decides (router.test.ts: mallory). */
const THROUGH_CATALOG =
  'reads SLO entities from the catalog with the caller’s credentials, so the catalog’s read permission decides (a hidden SLO is a 404)';

describe('/api/slo access', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        sloPlugin,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        catalogServiceMock.factory({ entities: repoSloEntities() }),
        createServiceFactory({
          service: actionsRegistryServiceRef,
          deps: {},
          factory: () => actionsRegistryServiceMock(),
        }),
        mockServices.rootConfig.factory({
          data: { slo: { prometheus: { baseUrl: 'http://127.0.0.1:2' } } },
        }),
      ],
    });
  });

  afterAll(() => backend?.stop());

  it('refuses anonymous callers everywhere but /health', async () => {
    expect(
      await checkRouteAccess({
        server: backend.server,
        pluginId: 'slo',
        withoutPermission: () => {
          throw new Error('no route here checks a permission of its own');
        },
        routes: {
          'GET /health': { public: 'the liveness probe; says only "ok"' },
          'GET /v1/slos': { signedIn: THROUGH_CATALOG },
          'GET /v1/slos/:namespace/:name': { signedIn: THROUGH_CATALOG },
          'GET /v1/slos/:namespace/:name/history': {
            signedIn: THROUGH_CATALOG,
          },
          'GET /v1/slos/:namespace/:name/rules': { signedIn: THROUGH_CATALOG },
          'POST /v1/rules': {
            signedIn:
              'turns the OpenSLO YAML in the body into Prometheus rules; reads and stores nothing',
          },
          'GET /v1/status': { signedIn: THROUGH_CATALOG },
        },
      }),
    ).toEqual([]);
  });
});
