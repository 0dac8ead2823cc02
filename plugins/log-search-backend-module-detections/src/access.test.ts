import { checkRouteAccess } from '@pilothouse/http-route-tests';
import {
  logSearchDetectionsReadPermission,
  logSearchDetectionsUpdatePermission,
} from '@pilothouse/plugin-log-search-common';
import { as, startDetectionsBackend } from './__testUtils__/routesBackend';

jest.setTimeout(60_000);

const READ = logSearchDetectionsReadPermission.name;
const UPDATE = logSearchDetectionsUpdatePermission.name;

/** Routes Backstage adds for the permission backend, which calls them with its service token. */
const BACKSTAGE_PERMISSIONS =
  'Backstage’s permission integration: the permission backend reads the plugin’s permissions and rules and applies conditions; it answers no detections';

describe('detection routes access', () => {
  let backend: Awaited<ReturnType<typeof startDetectionsBackend>>;

  beforeAll(async () => {
    backend = await startDetectionsBackend();
  });

  afterAll(() => backend?.stop());

  it('refuses anonymous callers and callers without the permission on every route', async () => {
    expect(
      await checkRouteAccess({
        server: backend.server,
        pluginId: 'log-search',
        // alice reads but may not update; mallory may do neither.
        withoutPermission: name => as(name === UPDATE ? 'alice' : 'mallory'),
        routes: {
          'GET /v1/detections': { permission: READ },
          'GET /v1/detections/:id': { permission: READ },
          'POST /v1/detections/:id/acknowledge': { permission: UPDATE },
          'POST /v1/detections/:id/resolve': { permission: UPDATE },
          'GET /v1/rules': { permission: READ },
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
