import {
  fuzzPluginRoutes,
  hostileJson,
  hostileString,
  mutated,
} from '@pilothouse/http-route-tests';
import fc from 'fast-check';
import {
  bearer,
  serviceBearer,
  LogSearchTestEnv,
  startLogSearchBackend,
} from './__testUtils__/testBackend';

jest.setTimeout(120_000);

const text = hostileString();
const query = fc.oneof(
  text,
  fc.constantFrom(
    'level:error',
    'service:payments AND message:"timeout"',
    'duration_ms:>250 OR NOT level:debug',
    'message:/time(out)?/',
  ),
);
const event = mutated(
  fc.record({
    timestamp: fc.oneof(
      text,
      fc.date({ noInvalidDate: true }).map(d => d.toISOString()),
    ),
    level: fc.oneof(fc.constantFrom('info', 'error'), text),
    service: text,
    message: text,
    attributes: fc.dictionary(text, hostileJson(), { maxKeys: 3 }),
  }),
);
const otlpValue = fc.oneof(
  fc.record({ stringValue: text }),
  fc.record({ intValue: fc.oneof(text, fc.integer()) }),
  hostileJson(),
);

/*
 * Every /api/log-search route under hostile input, as alice (who may send
 * and read), on SQLite.
 */
describe('/api/log-search under hostile input', () => {
  let env: LogSearchTestEnv;

  beforeAll(async () => {
    env = await startLogSearchBackend();
  });

  afterAll(() => env?.stop());

  it('answers every route below 500, with a message for every 4xx', async () => {
    await fuzzPluginRoutes({
      server: env.server,
      pluginId: 'log-search',
      authorization: bearer('alice'),
      routes: {
        'POST /v1/ingest': {
          raw: {
            contentType: 'application/x-ndjson',
            body: fc
              .array(fc.oneof(event, hostileJson()), { maxLength: 5 })
              .map(lines => lines.map(l => JSON.stringify(l)).join('\n')),
          },
        },
        'POST /v1/otlp/v1/logs': {
          body: mutated(
            fc.record({
              resourceLogs: fc.array(
                mutated(
                  fc.record({
                    resource: fc.record({
                      attributes: fc.array(
                        fc.record({ key: text, value: otlpValue }),
                        {
                          maxLength: 2,
                        },
                      ),
                    }),
                    scopeLogs: fc.array(
                      fc.record({
                        logRecords: fc.array(
                          mutated(
                            fc.record({
                              timeUnixNano: fc.oneof(
                                text,
                                fc.bigInt().map(String),
                              ),
                              severityText: text,
                              severityNumber: fc.integer(),
                              body: otlpValue,
                              attributes: fc.array(
                                fc.record({ key: text, value: otlpValue }),
                                { maxLength: 2 },
                              ),
                            }),
                          ),
                          { maxLength: 3 },
                        ),
                      }),
                      { maxLength: 2 },
                    ),
                  }),
                ),
                { maxLength: 2 },
              ),
            }),
          ),
        },
        'GET /v1/search': { query: ['q', 'from', 'to', 'limit', 'cursor'] },
        'GET /v1/histogram': { query: ['q', 'from', 'to', 'buckets'] },
        'GET /v1/tail': { query: ['q'] },
        'GET /v1/saved-searches': {},
        'POST /v1/saved-searches': {
          body: mutated(fc.record({ name: text, query, range: text })),
        },
        'DELETE /v1/saved-searches/:id': {},
        // Backstage's permission integration (the permission backend's questions).
        'GET /.well-known/backstage/permissions/metadata': {},
        'POST /.well-known/backstage/permissions/apply-conditions': {
          // Only services may ask (a user gets Backstage's bare 403).
          authorization: serviceBearer(),
          body: mutated(
            fc.record({
              items: fc.array(
                mutated(
                  fc.record({
                    id: text,
                    resourceRef: text,
                    resourceType: text,
                    conditions: hostileJson(),
                  }),
                ),
                { maxLength: 3 },
              ),
            }),
          ),
        },
      },
    });
    const res = await fetch(`${env.baseUrl}/v1/search?q=level:error`, {
      headers: { authorization: bearer('alice') },
    });
    expect(res.status).toBe(200);
  });
});
