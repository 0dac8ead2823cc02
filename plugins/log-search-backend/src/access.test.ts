import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { checkRouteAccess } from '@pilothouse/http-route-tests';
import {
  logSearchEventsCreatePermission,
  logSearchEventsReadPermission,
} from '@pilothouse/plugin-log-search-common';
import {
  bearer,
  LogSearchTestEnv,
  startLogSearchBackend,
} from './__testUtils__/testBackend';

jest.setTimeout(60_000);

const READ = logSearchEventsReadPermission.name;
const CREATE = logSearchEventsCreatePermission.name;

/** Routes Backstage adds for the permission backend, which calls them with its service token. */
const BACKSTAGE_PERMISSIONS =
  'Backstage’s permission integration: the permission backend reads the plugin’s permissions and rules and applies conditions; it answers no log data';

/*
 * Every /api/log-search route without a token, and as a user the
 * permission policy says no to: bob may not send events, mallory may not
 * read them (see the test backend's permissions).
 */
describe('/api/log-search access', () => {
  let env: LogSearchTestEnv;

  beforeAll(async () => {
    env = await startLogSearchBackend({
      features: [
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
  });

  afterAll(() => env?.stop());

  it('refuses anonymous callers and callers without the permission on every route', async () => {
    expect(
      await checkRouteAccess({
        server: env.server,
        pluginId: 'log-search',
        withoutPermission: name => bearer(name === CREATE ? 'bob' : 'mallory'),
        routes: {
          'POST /v1/ingest': { permission: CREATE },
          'POST /v1/otlp/v1/logs': { permission: CREATE },
          'GET /v1/search': { permission: READ },
          'GET /v1/histogram': { permission: READ },
          'GET /v1/tail': { permission: READ },
          'GET /v1/saved-searches': { permission: READ },
          'POST /v1/saved-searches': { permission: READ },
          'DELETE /v1/saved-searches/:id': { permission: READ },
          'GET /.well-known/backstage/permissions/metadata': {
            signedIn: BACKSTAGE_PERMISSIONS,
          },
          'POST /.well-known/backstage/permissions/apply-conditions': {
            signedIn: BACKSTAGE_PERMISSIONS,
          },
        },
      }),
    ).toEqual([]);
  });
});
