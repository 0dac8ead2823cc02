import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import catalogModuleOpenSlo from '@pilothouse/plugin-catalog-backend-module-openslo';
import type { SloListResponse } from '@pilothouse/plugin-slo-common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { parse, parseAllDocuments } from 'yaml';
import {
  freePort,
  repoRoot,
  startTestPrometheus,
  TestPrometheus,
} from './__testUtils__/prometheus';
import { sloPlugin } from './plugin';

/*
 * /api/slo as the SLO pages, the gateway and scripts meet it: the real
 * catalog ingesting catalog/ (OpenSLO documents included, through the
 * openslo catalog module), Debian's Prometheus holding 30 days of the
 * sandbox's history, and the plugin's own database on SQLite and PostgreSQL.
 * mallory may not read catalog entities (a permission policy that says no).
 */

jest.setTimeout(240_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const user = (name: string) =>
  `Bearer ${mockCredentials.user.token(`user:default/${name}`)}`;

/** The catalog's read permission, denied to mallory. */
const permissionsFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => {
    const decide = (credentials: BackstageCredentials) =>
      (credentials.principal as { userEntityRef?: string }).userEntityRef ===
      'user:default/mallory'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW;
    return {
      async authorize(requests: unknown[], options: { credentials: BackstageCredentials }) {
        return requests.map(() => ({ result: decide(options.credentials) }));
      },
      async authorizeConditional(
        requests: unknown[],
        options: { credentials: BackstageCredentials },
      ) {
        return requests.map(() => ({ result: decide(options.credentials) }));
      },
    } as any;
  },
});

/** The scheduler, so a test runs the evaluation when it wants it. */
function capturingScheduler() {
  const tasks = new Map<string, () => Promise<void>>();
  return {
    run: (id: string) => tasks.get(id)!(),
    factory: createServiceFactory({
      service: coreServices.scheduler,
      deps: {},
      factory: () =>
        ({
          async scheduleTask(
            task: SchedulerServiceTaskScheduleDefinition & {
              id: string;
              fn: () => Promise<void>;
            },
          ) {
            tasks.set(task.id, task.fn);
          },
          createScheduledTaskRunner: () => ({
            run: async (task: { id: string; fn: () => Promise<void> }) => {
              tasks.set(task.id, task.fn);
            },
          }),
          async triggerTask(id: string) {
            await tasks.get(id)?.();
          },
          async getScheduledTasks() {
            return [];
          },
        }) as any,
    }),
  };
}

async function eventually<T>(fn: () => Promise<T>, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise(r => setTimeout(r, 500));
    }
  }
}

const catalogKinds = parse(
  fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
).catalog.locations[0].rules[0].allow as string[];

let prometheus: TestPrometheus;

beforeAll(async () => {
  prometheus = await startTestPrometheus();
});

afterAll(async () => {
  await prometheus?.cleanup();
});

describe.each(databases.eachSupportedId())('/api/slo on %s', databaseId => {
  // Each plugin its own database, as in production, kept across a restart:
  // SQLite files in a directory, or PostgreSQL databases under one prefix.
  const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-router-'));
  const database =
    databaseId === 'SQLITE_3'
      ? { client: 'better-sqlite3', connection: { directory: sqliteDir } }
      : {
          client: 'pg',
          connection: process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
          prefix: `slo_test_${Date.now().toString(36)}_`,
        };

  async function startSloBackend(prometheusUrl: string) {
    const scheduler = capturingScheduler();
    const actions = actionsRegistryServiceMock({
      logger: mockServices.rootLogger({ level: 'none' }),
    });
    const backend = await startTestBackend({
      features: [
        mockServices.rootConfig.factory({
          data: {
            backend: { database },
            catalog: {
              rules: [{ allow: catalogKinds }],
              locations: [
                { type: 'file', target: path.join(repoRoot, 'catalog/all.yaml') },
              ],
              processingInterval: { seconds: 1 },
            },
            slo: { prometheus: { baseUrl: prometheusUrl } },
          },
        }),
        databaseServiceFactory,
        // No token, no caller (the mock's default is a signed-in user).
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        permissionsFactory,
        scheduler.factory,
        createServiceFactory({
          service: actionsRegistryServiceRef,
          deps: {},
          factory: () => actions,
        }),
        catalogPlugin,
        catalogModuleOpenSlo,
        sloPlugin,
      ],
    });
    return { backend, scheduler, actions };
  }

  let env: Awaited<ReturnType<typeof startSloBackend>>;

  beforeAll(async () => {
    env = await startSloBackend(prometheus.url);
    // The catalog ingests the SLOs and relates them to their components
    // (the owner comes from the component, read back on a later pass).
    await eventually(async () => {
      const res = await request(env.backend.server)
        .get('/api/catalog/entities/by-name/slo/default/payments-availability')
        .set('authorization', user('alice'));
      const relations = (res.body.relations ?? []).map(
        (r: any) => `${r.type}:${r.targetRef}`,
      );
      expect(relations).toEqual(
        expect.arrayContaining([
          'measures:component:default/payments',
          'ownedBy:group:default/payments-team',
          'partOf:system:default/payments-platform',
        ]),
      );
      const all = await request(env.backend.server)
        .get('/api/catalog/entities/by-query')
        .query({ filter: 'kind=slo', limit: 100 })
        .set('authorization', user('alice'));
      expect(
        all.body.items.filter((e: any) =>
          e.relations?.some((r: any) => r.type === 'ownedBy'),
        ),
      ).toHaveLength(7);
    });
    await env.scheduler.run('slo-evaluation');
  });

  afterAll(async () => {
    await env?.backend.stop();
    fs.rmSync(sqliteDir, { recursive: true, force: true });
  });

  it('refuses callers who are not signed in', async () => {
    const res = await request(env.backend.server).get('/api/slo/v1/slos');
    expect(res.status).toBe(401);
  });

  it('lists every SLO, the burning payments first, with budgets, burn rates and alerts', async () => {
    const res = await request(env.backend.server)
      .get('/api/slo/v1/slos')
      .set('authorization', user('alice'));
    expect(res.status).toBe(200);
    const body: SloListResponse = res.body;
    expect(body.error).toBeUndefined();
    expect(body.items.map(i => i.entityRef)).toHaveLength(7);
    const [first, ...rest] = body.items;
    expect(first).toMatchObject({
      entityRef: 'slo:default/payments-availability',
      title: 'Payments availability',
      targetRef: 'component:default/payments',
      ownerRef: 'group:default/payments-team',
      systemRef: 'system:default/payments-platform',
      objective: 0.999,
      window: { kind: 'rolling', duration: '4w' },
      status: 'burning',
      sli: { type: 'ratio' },
    });
    expect(first.burnRates['1h']).toBeGreaterThan(25);
    expect(first.alerts.find(a => a.name === 'page-fast')?.firing).toBe(true);
    expect(first.evaluatedAt).toBeDefined();
    expect(first.statusSince).toBe(first.evaluatedAt);
    expect(rest.map(i => i.status)).toEqual(rest.map(() => 'ok'));
    // Among the healthy ones, the least budget left first.
    const remaining = rest.map(i => i.budgetRemaining!);
    expect([...remaining].sort((a, b) => a - b)).toEqual(remaining);
    expect(body.items.find(i => i.entityRef === 'slo:default/orders-availability-monthly'))
      .toMatchObject({ window: { kind: 'calendar', unit: 'month' } });
  });

  it('filters by owner, system and status', async () => {
    const byOwner = await request(env.backend.server)
      .get('/api/slo/v1/slos')
      .query({ owner: 'checkout-team' })
      .set('authorization', user('alice'));
    expect(byOwner.body.items.map((i: any) => i.entityRef).sort()).toEqual([
      'slo:default/checkout-availability',
      'slo:default/checkout-latency',
      'slo:default/inventory-availability',
      'slo:default/orders-availability-monthly',
    ]);
    const burning = await request(env.backend.server)
      .get('/api/slo/v1/slos')
      .query({ status: 'burning', system: 'system:default/payments-platform' })
      .set('authorization', user('alice'));
    expect(burning.body.items.map((i: any) => i.entityRef)).toEqual([
      'slo:default/payments-availability',
    ]);
    const wrong = await request(env.backend.server)
      .get('/api/slo/v1/slos')
      .query({ status: 'on-fire' })
      .set('authorization', user('alice'));
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/status/);
  });

  it('shows nothing to a caller who may not read the catalog', async () => {
    const list = await request(env.backend.server)
      .get('/api/slo/v1/slos')
      .set('authorization', user('mallory'));
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
    const one = await request(env.backend.server)
      .get('/api/slo/v1/slos/default/payments-availability')
      .set('authorization', user('mallory'));
    expect(one.status).toBe(404);
  });

  it('answers one SLO, its history and its rules', async () => {
    const one = await request(env.backend.server)
      .get('/api/slo/v1/slos/default/checkout-latency')
      .set('authorization', user('alice'));
    expect(one.status).toBe(200);
    expect(one.body.slo).toMatchObject({
      entityRef: 'slo:default/checkout-latency',
      status: 'ok',
      sli: { type: 'threshold' },
    });

    const history = await request(env.backend.server)
      .get('/api/slo/v1/slos/default/payments-availability/history')
      .set('authorization', user('alice'));
    expect(history.status).toBe(200);
    expect(history.body.entityRef).toBe('slo:default/payments-availability');
    expect(history.body.points.length).toBeGreaterThan(100);
    expect(history.body.points[0]).toEqual({
      t: expect.any(String),
      sli: expect.any(Number),
      budgetRemaining: expect.any(Number),
    });

    const rules = await request(env.backend.server)
      .get('/api/slo/v1/slos/default/payments-availability/rules')
      .query({ download: '1' })
      .set('authorization', user('alice'));
    expect(rules.status).toBe(200);
    expect(rules.headers['content-type']).toMatch(/application\/yaml/);
    expect(rules.headers['content-disposition']).toMatch(
      /payments-availability-rules\.yaml/,
    );
    const groups = parse(rules.text).groups;
    expect(groups.map((g: any) => g.name)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/sli-recordings/),
        expect.stringMatching(/alerts/),
      ]),
    );
    expect(rules.text).toContain('http_requests_total{service="payments"}');

    const missing = await request(env.backend.server)
      .get('/api/slo/v1/slos/default/no-such-slo')
      .set('authorization', user('alice'));
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(
      'No SLO slo:default/no-such-slo in the catalog',
    );
  });

  it('turns an OpenSLO document or a Sloth spec into Prometheus rules, and says what is wrong with a bad one', async () => {
    const sloth = fs.readFileSync(
      path.resolve(repoRoot, '../shared/fixtures/sloth/examples/getting-started.yml'),
      'utf8',
    );
    const fromSloth = await request(env.backend.server)
      .post('/api/slo/v1/rules')
      .set('authorization', user('alice'))
      .set('content-type', 'application/yaml')
      .send(sloth);
    expect(fromSloth.status).toBe(200);
    expect(parse(fromSloth.text).groups.length).toBeGreaterThan(0);

    const openslo = parseAllDocuments(
      fs.readFileSync(path.join(repoRoot, 'catalog/slos.yaml'), 'utf8'),
    ).map(d => d.toJS());
    const fromJson = await request(env.backend.server)
      .post('/api/slo/v1/rules')
      .set('authorization', user('alice'))
      .send(openslo);
    expect(fromJson.status).toBe(200);
    expect(fromJson.text).toContain('sloth_slo: payments-availability-0');

    const invalid = await request(env.backend.server)
      .post('/api/slo/v1/rules')
      .set('authorization', user('alice'))
      .set('content-type', 'application/yaml')
      .send(
        'apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: broken\nspec:\n  service: web\n  budgetingMethod: Occurrences\n  timeWindow: [{ duration: 28d, isRolling: true }]\n  objectives: [{ target: 1.5 }]\n',
      );
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toMatch(
      /^Invalid SLO document: SLO\/broken spec\.objectives\[0\]\.target/,
    );

    const notYaml = await request(env.backend.server)
      .post('/api/slo/v1/rules')
      .set('authorization', user('alice'))
      .set('content-type', 'application/yaml')
      .send('apiVersion: openslo/v1\nkind: [SLO\n');
    expect(notYaml.status).toBe(400);
    expect(notYaml.body.error.message).toMatch(/not valid YAML \(document 1, line \d+\)/);

    const neither = await request(env.backend.server)
      .post('/api/slo/v1/rules')
      .set('authorization', user('alice'))
      .send({ kind: 'Component' });
    expect(neither.status).toBe(400);
    expect(neither.body.error.message).toMatch(
      /neither OpenSLO \(apiVersion openslo\/v1\) nor a Sloth spec/,
    );
  });

  it('tells the gateway whether an entity is burning', async () => {
    const payments = await request(env.backend.server)
      .get('/api/slo/v1/status')
      .query({ entityRef: 'component:default/payments' })
      .set('authorization', `Bearer ${mockCredentials.service.token()}`);
    expect(payments.status).toBe(200);
    expect(payments.body).toEqual({
      entityRef: 'component:default/payments',
      burning: true,
      warning: true,
      slos: [
        {
          entityRef: 'slo:default/payments-availability',
          status: 'burning',
          budgetRemaining: expect.any(Number),
        },
      ],
    });
    const checkout = await request(env.backend.server)
      .get('/api/slo/v1/status')
      .query({ entityRef: 'checkout' })
      .set('authorization', user('alice'));
    expect(checkout.body).toMatchObject({
      entityRef: 'component:default/checkout',
      burning: false,
      warning: false,
    });
    expect(checkout.body.slos).toHaveLength(2);
    const missing = await request(env.backend.server)
      .get('/api/slo/v1/status')
      .set('authorization', user('alice'));
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/entityRef: is required/);
  });

  // The mock registry names actions test:<name>; mcp-actions serves them as slo:<name>.
  it('answers the same through the slo actions that mcp-actions serves', async () => {
    const names = ['list-slos', 'get-slo-status', 'list-burning-slos'];
    const { actions } = await env.actions.list();
    expect(
      actions
        .filter(a => names.includes(a.name))
        .map(a => [a.name, a.attributes.readOnly, a.attributes.destructive]),
    ).toEqual(names.map(name => [name, true, false]));
    const alice = mockCredentials.user('user:default/alice');
    const burning = (await env.actions.invoke({
      id: 'test:list-burning-slos',
      input: {},
      credentials: alice,
    })).output as any;
    expect(burning.items.map((i: any) => i.entityRef)).toEqual([
      'slo:default/payments-availability',
    ]);
    expect(burning.items[0].firingAlerts[0]).toMatch(
      /^page-fast \(page\): burn rate \d+\.\d\d over 56m and \d+\.\d\d over 4m40s, threshold 14\.4$/,
    );
    const status = (await env.actions.invoke({
      id: 'test:get-slo-status',
      input: { entityRef: 'component:default/payments' },
      credentials: alice,
    })).output as any;
    expect(status).toMatchObject({
      burning: true,
      slos: [{ entityRef: 'slo:default/payments-availability', status: 'burning' }],
    });
    const forMallory = (await env.actions.invoke({
      id: 'test:list-slos',
      input: {},
      credentials: mockCredentials.user('user:default/mallory'),
    })).output as any;
    expect(forMallory.items).toEqual([]);
  });

  it('keeps the last evaluation, with its time and why it is old, across a restart with Prometheus down', async () => {
    const before = await request(env.backend.server)
      .get('/api/slo/v1/slos/default/payments-availability')
      .set('authorization', user('alice'));
    await env.backend.stop();

    // The same databases, a Prometheus nobody answers at.
    const nobody = `http://127.0.0.1:${await freePort()}`;
    env = await startSloBackend(nobody);
    const restarted = env.backend;
    const scheduler = env.scheduler;
    await eventually(async () => {
      const res = await request(restarted.server)
        .get('/api/slo/v1/slos')
        .set('authorization', user('alice'));
      expect(res.body.items).toHaveLength(7);
    });
    await scheduler.run('slo-evaluation');

    const res = await request(restarted.server)
      .get('/api/slo/v1/slos')
      .set('authorization', user('alice'));
    expect(res.status).toBe(200);
    expect(res.body.error).toMatch(
      new RegExp(`^Prometheus at ${nobody} could not be reached \\(ECONNREFUSED\\)`),
    );
    const payments = res.body.items[0];
    expect(payments).toMatchObject({
      entityRef: 'slo:default/payments-availability',
      status: 'burning',
      evaluatedAt: before.body.slo.evaluatedAt,
      budgetRemaining: before.body.slo.budgetRemaining,
    });
    expect(payments.error).toMatch(
      /could not be reached.*; showing the evaluation of \d{4}-/,
    );
  });
});
