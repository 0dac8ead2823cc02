import {
  fuzzPluginRoutes,
  hostileString,
  mutated,
} from '@pilothouse/http-route-tests';
import { mockCredentials } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import { as, startDetectionsBackend } from './__testUtils__/routesBackend';

jest.setTimeout(120_000);

/*
 * The detection routes of /api/log-search under hostile input, as kwame
 * (a responder: he may read and update), on SQLite, with one detection.
 */
describe('detection routes under hostile input', () => {
  let backend: Awaited<ReturnType<typeof startDetectionsBackend>>;

  beforeAll(async () => {
    backend = await startDetectionsBackend();
  });

  afterAll(() => backend?.stop());

  it('answers every route below 500, with a message for every 4xx', async () => {
    const { port } = backend.server.address() as { port: number };
    const list = await fetch(
      `http://localhost:${port}/api/log-search/v1/detections`,
      { headers: { authorization: as('kwame') } },
    );
    const ids: string[] = (await list.json()).items.map((d: any) => d.id);
    expect(ids.length).toBeGreaterThan(0);

    const text = hostileString();
    const id = fc.oneof(fc.constantFrom(...ids), text);
    const note = mutated(fc.record({ note: text }));
    await fuzzPluginRoutes({
      server: backend.server,
      pluginId: 'log-search',
      authorization: as('kwame'),
      routes: {
        'GET /v1/detections': {
          query: ['since', 'status', 'level', 'entityRef', 'ruleId', 'limit'],
        },
        'GET /v1/detections/:id': { params: { id } },
        'POST /v1/detections/:id/acknowledge': { params: { id }, body: note },
        'POST /v1/detections/:id/resolve': { params: { id }, body: note },
        'GET /v1/rules': {},
        // Backstage's permission integration (the permission backend's questions).
        'GET /.well-known/backstage/permissions/metadata': {},
        'POST /.well-known/backstage/permissions/apply-conditions': {
          authorization: `Bearer ${mockCredentials.service.token()}`,
          body: mutated(
            fc.record({
              items: fc.array(
                mutated(
                  fc.record({
                    id: text,
                    resourceRef: text,
                    resourceType: text,
                  }),
                ),
                { maxLength: 3 },
              ),
            }),
          ),
        },
      },
    });
  });
});
