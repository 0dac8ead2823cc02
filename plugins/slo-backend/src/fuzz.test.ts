import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  fuzzPluginRoutes,
  hostileString,
  HOSTILE_STRINGS,
} from '@pilothouse/http-route-tests';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './__testUtils__/prometheus';
import { repoSloEntities } from './__testUtils__/repoSlos';
import { sloPlugin } from './plugin';

jest.setTimeout(120_000);

/** Nothing listens here (a port fetch may use; 9 is on its blocked list). */
const PROMETHEUS_DOWN = 'http://127.0.0.1:2';

const SLOS_YAML = fs.readFileSync(
  path.join(repoRoot, 'catalog/slos.yaml'),
  'utf8',
);

/*
 * Every /api/slo route under hostile input, on the repository's SLOs and
 * SQLite. Prometheus is not running: routes that read the stored
 * evaluation must still answer.
 */
describe('/api/slo under hostile input', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const entities = repoSloEntities();

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        sloPlugin,
        catalogServiceMock.factory({ entities }),
        createServiceFactory({
          service: actionsRegistryServiceRef,
          deps: {},
          factory: () => actionsRegistryServiceMock(),
        }),
        mockServices.rootConfig.factory({
          data: { slo: { prometheus: { baseUrl: PROMETHEUS_DOWN } } },
        }),
      ],
    });
  });

  afterAll(() => backend?.stop());

  it('answers every route below 500, with a message for every 4xx', async () => {
    const text = hostileString();
    const names = entities
      .filter(e => e.kind === 'SLO')
      .map(e => e.metadata.name);
    const params = {
      namespace: fc.oneof(fc.constant('default'), text),
      name: fc.oneof(fc.constantFrom(...names), text),
    };
    // OpenSLO YAML, cut or bent: what someone pastes into the rules preview.
    const yaml = fc.oneof(
      fc.constant(SLOS_YAML),
      fc.nat(SLOS_YAML.length).map(n => SLOS_YAML.slice(0, n)),
      fc
        .tuple(fc.nat(SLOS_YAML.length), fc.constantFrom(...HOSTILE_STRINGS))
        .map(([n, s]) => SLOS_YAML.slice(0, n) + s + SLOS_YAML.slice(n)),
      fc.constantFrom(
        'a: &a [*a]',
        '- &x [*x, *x, *x, *x, *x, *x, *x, *x]',
        '!!binary "AAAA"',
        '---\n---\n---',
        'kind: SLO\napiVersion: openslo/v1\n',
      ),
    );
    await fuzzPluginRoutes({
      server: backend.server,
      pluginId: 'slo',
      authorization: `Bearer ${mockCredentials.user.token(
        'user:default/alice',
      )}`,
      routes: {
        'GET /health': {},
        'GET /v1/slos': { query: ['owner', 'system', 'targetRef', 'status'] },
        'GET /v1/slos/:namespace/:name': { params },
        'GET /v1/slos/:namespace/:name/history': {
          params,
          expected5xx: {
            503: 'the history is read from Prometheus live, and it is down here',
          },
        },
        'GET /v1/slos/:namespace/:name/rules': { params, query: ['download'] },
        'POST /v1/rules': {
          raw: { contentType: 'application/yaml', body: yaml },
        },
        'GET /v1/status': { query: ['entityRef'] },
      },
    });
    // The one 5xx says what is wrong.
    const res = await fetch(
      `http://localhost:${
        (backend.server.address() as { port: number }).port
      }/api/slo/v1/slos/default/${names[0]}/history`,
      { headers: { authorization: `Bearer ${mockCredentials.user.token()}` } },
    );
    expect(res.status).toBe(503);
    expect((await res.json()).error.message).toMatch(
      /could not be read: Prometheus at http:\/\/127\.0\.0\.1:2 /,
    );
  });
});
