import path from 'node:path';
import {
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import request from 'supertest';
import authPlugin from '@backstage/plugin-auth-backend';
import oauth2ProxyProvider from '@backstage/plugin-auth-backend-module-oauth2-proxy-provider';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import permissionPlugin from '@backstage/plugin-permission-backend';
import catalogUnprocessed from '@backstage/plugin-catalog-backend-module-unprocessed';
import catalogAgentOps from '@pilothouse/plugin-catalog-backend-module-agentops';
import catalogOpenSlo from '@pilothouse/plugin-catalog-backend-module-openslo';
import pilothousePolicy from './modules/permissionPolicy';

const repoRoot = path.resolve(__dirname, '../../..');

/*
 * The portal's backend as users meet it: the real catalog ingesting catalog/,
 * the real sign-in (oauth2-proxy provider resolving catalog users), the real
 * token and user-info services, and Pilothouse's permission policy, on SQLite
 * and on PostgreSQL.
 */
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

jest.setTimeout(120_000);

if (process.env.CI) {
  it('runs the backend tests on PostgreSQL in CI', () => {
    // scripts/test.sh starts PostgreSQL; without it half of these tests vanish.
    expect(databases.supports('POSTGRES_15')).toBe(true);
  });
}

describe.each(databases.eachSupportedId())('portal backend on %s', dbId => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let stop: () => Promise<void>;

  async function startPortal(databaseId: TestDatabaseId) {
    // Each plugin gets its own database, as in production: a fresh prefix
    // per run on PostgreSQL, a fresh in-memory file per plugin on SQLite.
    const database =
      databaseId === 'SQLITE_3'
        ? { client: 'better-sqlite3', connection: ':memory:' }
        : {
            client: 'pg',
            connection:
              process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
            prefix: `ph_test_${Date.now().toString(36)}_`,
          };
    const backend = await startTestBackend({
      features: [
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            backend: { database },
            auth: {
              environment: 'development',
              providers: {
                oauth2Proxy: {
                  signIn: {
                    resolvers: [
                      { resolver: 'forwardedUserMatchingUserEntityName' },
                    ],
                  },
                },
              },
            },
            permission: { enabled: true },
            catalog: {
              rules: [
                {
                  allow: [
                    'Component',
                    'System',
                    'API',
                    'Resource',
                    'Location',
                    'Domain',
                    'Group',
                    'User',
                    'Template',
                    'Agent',
                    'MCPServer',
                    'SLO',
                    'SLI',
                    'DataSource',
                    'AlertPolicy',
                  ],
                },
              ],
              locations: [
                {
                  type: 'file',
                  target: path.join(repoRoot, 'catalog/all.yaml'),
                },
                {
                  type: 'file',
                  target: path.join(
                    __dirname,
                    '__fixtures__/invalid-entity.yaml',
                  ),
                },
              ],
              processingInterval: { seconds: 1 },
            },
          },
        }),
        databaseServiceFactory,
        authServiceFactory,
        httpAuthServiceFactory,
        userInfoServiceFactory,
        permissionsServiceFactory,
        authPlugin,
        oauth2ProxyProvider,
        catalogPlugin,
        scaffolderEntityModel,
        catalogUnprocessed,
        catalogAgentOps,
        catalogOpenSlo,
        permissionPlugin,
        pilothousePolicy,
      ],
    });
    return backend;
  }

  async function signIn(user: string): Promise<string> {
    const res = await request(server)
      .get('/api/auth/oauth2Proxy/refresh')
      .set('x-forwarded-user', user)
      .set('x-requested-with', 'XMLHttpRequest');
    if (res.status !== 200) {
      throw new Error(`sign-in as ${user}: ${res.status} ${res.text}`);
    }
    return res.body.backstageIdentity.token;
  }

  async function eventually<T>(fn: () => Promise<T>, timeoutMs = 60_000) {
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

  beforeAll(async () => {
    const backend = await startPortal(dbId);
    server = backend.server;
    stop = () => backend.stop();
    // The catalog must have ingested the org before anyone can sign in,
    // and the entities the tests use before they run.
    const carol = await eventually(() => signIn('carol'));
    await eventually(async () => {
      for (const ref of [
        'resource/default/inventory-cache',
        'component/default/payments',
        'component/default/checkout',
        'component/default/ledger',
      ]) {
        const r = await request(server)
          .get(`/api/catalog/entities/by-name/${ref}`)
          .set('authorization', `Bearer ${carol}`);
        if (r.status !== 200) throw new Error(`${ref} not ingested yet`);
      }
    });
  });

  afterAll(async () => {
    await stop?.();
  });

  it('signs people in as their catalog user, with their groups', async () => {
    const res = await request(server)
      .get('/api/auth/oauth2Proxy/refresh')
      .set('x-forwarded-user', 'alice')
      .set('x-requested-with', 'XMLHttpRequest');
    expect(res.status).toBe(200);
    expect(res.body.backstageIdentity.identity).toMatchObject({
      userEntityRef: 'user:default/alice',
      ownershipEntityRefs: expect.arrayContaining([
        'user:default/alice',
        'group:default/payments-team',
      ]),
    });
  });

  it('refuses sign-in for someone who is not in the catalog', async () => {
    const res = await request(server)
      .get('/api/auth/oauth2Proxy/refresh')
      .set('x-forwarded-user', 'mallory')
      .set('x-requested-with', 'XMLHttpRequest');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.text).toMatch(/mallory|not found|Failed to sign-in/i);
  });

  it('serves the seeded components with owners and relations', async () => {
    const token = await signIn('alice');
    const res = await eventually(async () => {
      const r = await request(server)
        .get('/api/catalog/entities/by-name/component/default/checkout')
        .set('authorization', `Bearer ${token}`);
      const rel = r.body.relations?.map((x: any) => `${x.type}:${x.targetRef}`);
      if (!rel?.includes('dependsOn:component:default/inventory')) {
        throw new Error(`not stitched yet: ${r.status}`);
      }
      return r;
    });
    expect(
      res.body.relations.map((x: any) => `${x.type}:${x.targetRef}`),
    ).toEqual(
      expect.arrayContaining([
        'ownedBy:group:default/checkout-team',
        'consumesApi:api:default/payments-api',
      ]),
    );

    // Ingestion goes on in the background: wait until every seeded
    // component is listed.
    const names = await eventually(async () => {
      const list = await request(server)
        .get('/api/catalog/entities/by-query')
        .query({
          filter: 'kind=component',
          fields: 'metadata.name',
          limit: 100,
        })
        .set('authorization', `Bearer ${token}`);
      const found: string[] = list.body.items.map((e: any) => e.metadata.name);
      expect(found).toEqual(
        expect.arrayContaining([
          'payments',
          'checkout',
          'orders',
          'inventory',
          'notifications',
          'pilothouse',
        ]),
      );
      return found;
    });
    expect(names).not.toContain('Not A Valid Name!');
  });

  it('reports an invalid entity file as a readable error and keeps the valid entity', async () => {
    const carol = await signIn('carol');
    // The valid entity from the same file is ingested...
    await eventually(async () => {
      const r = await request(server)
        .get('/api/catalog/entities/by-name/component/default/ledger')
        .set('authorization', `Bearer ${carol}`);
      if (r.status !== 200) throw new Error(`ledger: ${r.status}`);
    });
    // ...and the invalid one is listed with its error, as the catalog's
    // "unprocessed entities" page shows it.
    // An entity that never processed is "pending"; one that broke after it
    // had processed is "failed". Either way the error is readable.
    const errors = await eventually(async () => {
      const messages: string[] = [];
      for (const reason of ['pending', 'failed']) {
        const r = await request(server)
          .get(`/api/catalog/entities/unprocessed/${reason}`)
          .set('authorization', `Bearer ${carol}`);
        expect(r.status).toBe(200);
        for (const e of r.body.entities) {
          for (const item of e.errors ?? []) messages.push(item.message);
        }
      }
      if (!messages.length) throw new Error('no processing errors yet');
      return messages;
    });
    expect(errors.join('\n')).toMatch(
      /"metadata.name" is not valid.*"Not A Valid Name!"/,
    );
  });

  it('serves the seeded agents and MCP servers with their relations, and no processing errors of theirs', async () => {
    const token = await signIn('alice');
    const agents = await eventually(async () => {
      const list = await request(server)
        .get('/api/catalog/entities/by-query')
        .query({ filter: ['kind=agent', 'kind=mcpserver'], limit: 100 })
        .set('authorization', `Bearer ${token}`);
      const found: string[] = list.body.items.map(
        (e: any) => `${e.kind}:${e.metadata.name}`,
      );
      expect(found.sort()).toEqual([
        'Agent:cost-report',
        'Agent:incident-triage',
        'Agent:pilothouse-assistant',
        'Agent:release-agent',
        'MCPServer:aws',
        'MCPServer:cicd',
        'MCPServer:kubernetes',
      ]);
      return list.body.items;
    });
    const triage = await eventually(async () => {
      const r = await request(server)
        .get('/api/catalog/entities/by-name/agent/default/incident-triage')
        .set('authorization', `Bearer ${token}`);
      const rel = r.body.relations?.map((x: any) => `${x.type}:${x.targetRef}`);
      if (!rel?.includes('usesMcpServer:mcpserver:default/aws')) {
        throw new Error('not stitched yet');
      }
      return rel as string[];
    });
    expect(triage).toEqual(
      expect.arrayContaining([
        'ownedBy:group:default/sre',
        'partOf:system:default/developer-platform',
        'usesMcpServer:mcpserver:default/kubernetes',
        'usesMcpServer:mcpserver:default/cicd',
      ]),
    );
    expect(agents).toHaveLength(7);

    const carol = await signIn('carol');
    for (const reason of ['pending', 'failed']) {
      const r = await request(server)
        .get(`/api/catalog/entities/unprocessed/${reason}`)
        .set('authorization', `Bearer ${carol}`);
      const refs = r.body.entities.map((e: any) => e.entity_ref);
      expect(
        refs.filter((ref: string) => /^(agent|mcpserver):/.test(ref)),
      ).toEqual([]);
    }
  });

  it('lets only administrators delete entities', async () => {
    const carol = await signIn('carol');
    const alice = await signIn('alice');
    const cache = await request(server)
      .get('/api/catalog/entities/by-name/resource/default/inventory-cache')
      .set('authorization', `Bearer ${carol}`);
    expect(cache.status).toBe(200);
    const uid = cache.body.metadata.uid;

    const denied = await request(server)
      .delete(`/api/catalog/entities/by-uid/${uid}`)
      .set('authorization', `Bearer ${alice}`);
    expect(denied.status).toBe(403);
    expect(denied.body.error.name).toBe('NotAllowedError');

    const deleted = await request(server)
      .delete(`/api/catalog/entities/by-uid/${uid}`)
      .set('authorization', `Bearer ${carol}`);
    expect(deleted.status).toBe(204);
  });

  it('lets people refresh what their team owns, and nothing else', async () => {
    const alice = await signIn('alice');
    const own = await request(server)
      .post('/api/catalog/refresh')
      .set('authorization', `Bearer ${alice}`)
      .send({ entityRef: 'component:default/payments' });
    expect(own.status).toBe(200);

    const other = await request(server)
      .post('/api/catalog/refresh')
      .set('authorization', `Bearer ${alice}`)
      .send({ entityRef: 'component:default/checkout' });
    expect(other.status).toBe(403);
  });
});
