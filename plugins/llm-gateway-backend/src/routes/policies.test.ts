import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  llmGatewayAdminPermission,
  type PolicyEvaluateRequest,
} from '@pilothouse/plugin-llm-gateway-common';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { repoCatalogEntities, repoPolicies } from '../__fixtures__/repository';
import { llmGatewayPlugin } from '../plugin';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

jest.setTimeout(60_000);

if (process.env.CI) {
  it('runs the policy route tests on PostgreSQL in CI', () => {
    expect(databases.supports('POSTGRES_15')).toBe(true);
  });
}

const carol = mockCredentials.user.header('user:default/carol');
const alice = mockCredentials.user.header('user:default/alice');

/** The portal's rule (packages/backend permissionPolicy): admins change, others read. */
const portalPermissions = mockServices.permissions.mock({
  authorize: async (requests, { credentials }) =>
    requests.map(r => ({
      result:
        (credentials.principal as { userEntityRef?: string }).userEntityRef ===
          'user:default/carol' ||
        r.permission.name !== llmGatewayAdminPermission.name
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    })),
});

describe.each(databases.eachSupportedId())(
  'policy routes on %s',
  databaseId => {
    let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
    let stop: () => Promise<void>;
    let directory: string;

    beforeAll(async () => {
      directory = await fs.mkdtemp(path.join(os.tmpdir(), 'gateway-routes-'));
      for (const { name, source } of repoPolicies()) {
        await fs.writeFile(path.join(directory, `${name}.yaml`), source);
      }
      await fs.writeFile(
        path.join(directory, 'broken.yaml'),
        'apiVersion: pilothouse.dev/v1alpha1\nkind: GatewayPolicy\nmetadata:\n  name: broken\nspec:\n  rules:\n    - name: a\n      when: principal.grups == []\n      decision: allow\n',
      );
      const backend = await startTestBackend({
        features: [
          llmGatewayPlugin,
          mockServices.rootConfig.factory({
            data: { llmGateway: { policy: { directory } } },
          }),
          mockServices.database.factory({
            knex: await databases.init(databaseId),
          }),
          catalogServiceMock.factory({ entities: repoCatalogEntities() }),
          portalPermissions.factory,
        ],
      });
      server = backend.server;
      stop = () => backend.stop();
    });

    afterAll(async () => {
      await stop?.();
      await fs.rm(directory, { recursive: true, force: true });
    });

    const api = (p: string) => `/api/llm-gateway/v1/policies${p}`;

    it('lists the repository policies in force and the refused file with its line', async () => {
      const res = await request(server)
        .get(api(''))
        .set('authorization', alice);
      expect(res.status).toBe(200);
      expect(res.body.policies).toEqual([
        expect.objectContaining({
          name: 'access',
          version: 1,
          activeVersion: 1,
          priority: 50,
          origin: 'file',
          author: 'file:access.yaml',
        }),
        expect.objectContaining({
          name: 'guardrails',
          version: 1,
          activeVersion: 1,
          priority: 10,
        }),
      ]);
      expect(res.body.problems).toEqual([
        expect.objectContaining({
          name: 'broken',
          location: path.join(directory, 'broken.yaml'),
          errors: [
            expect.objectContaining({
              line: 8,
              path: 'spec.rules.0.when',
              message: expect.stringContaining('grups'),
            }),
          ],
        }),
      ]);
    });

    it('needs a signed-in caller', async () => {
      const res = await request(server)
        .get(api(''))
        .set('authorization', mockCredentials.none.header());
      expect(res.status).toBe(401);
    });

    it('validates a text without saving it, with lines and paths', async () => {
      const { source } = repoPolicies().find(p => p.name === 'access')!;
      const broken = source.replace('decision: allow', 'decision: permit');
      const res = await request(server)
        .post(api('/access/validate'))
        .set('authorization', alice)
        .send({ source: broken });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        valid: false,
        errors: [
          expect.objectContaining({
            path: 'spec.rules.0.decision',
            line: broken.split('\n').findIndex(l => l.includes('permit')) + 1,
          }),
        ],
      });
      const ok = await request(server)
        .post(api('/access/validate'))
        .set('authorization', alice)
        .send({ source });
      expect(ok.body).toEqual({ valid: true, errors: [] });

      const bad = await request(server)
        .post(api('/access/validate'))
        .set('authorization', alice)
        .send({ text: source });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/source/);
    });

    it('saves, keeps history with diffs, and restores; the engine follows at once', async () => {
      const evaluate = (body: PolicyEvaluateRequest) =>
        request(server)
          .post(api('/evaluate'))
          .set('authorization', carol)
          .send(body);
      const aliceOnCheckout: PolicyEvaluateRequest = {
        user: 'alice',
        request: {
          kind: 'model',
          provider: { id: 'anthropic', type: 'anthropic', local: false },
          entityRef: 'component:default/checkout',
        },
      };
      expect((await evaluate(aliceOnCheckout)).body.decision).toMatchObject({
        decision: 'allow',
        rule: 'access/team-members-use-hosted-models',
      });

      const v1 = (
        await request(server).get(api('/access')).set('authorization', alice)
      ).body;
      const edited = v1.source.replace(
        /\n {4}- name: team-members-use-hosted-models\n[\s\S]*?decision: allow\n/,
        '\n',
      );
      expect(edited).not.toEqual(v1.source);

      const refused = await request(server)
        .put(api('/access'))
        .set('authorization', alice)
        .send({ source: edited, baseVersion: 1 });
      expect(refused.status).toBe(403);

      const invalid = await request(server)
        .put(api('/access'))
        .set('authorization', carol)
        .send({
          source: edited.replace('decision: allow', 'decision: permit'),
        });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.message).toMatch(
        /^Policy "access" is not valid: line \d+ \(spec\.rules\.0\.decision\)/,
      );

      const saved = await request(server)
        .put(api('/access'))
        .set('authorization', carol)
        .send({ source: edited, baseVersion: 1, comment: 'no hosted models' });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({
        name: 'access',
        version: 2,
        origin: 'admin',
        author: 'user:default/carol',
        comment: 'no hosted models',
      });
      expect((await evaluate(aliceOnCheckout)).body.decision).toMatchObject({
        decision: 'deny',
        rule: 'default',
      });

      const stale = await request(server)
        .put(api('/access'))
        .set('authorization', carol)
        .send({ source: v1.source, baseVersion: 1 });
      expect(stale.status).toBe(409);
      expect(stale.body.error.message).toMatch(
        /version 2 was saved by user:default\/carol/,
      );

      const history = await request(server)
        .get(api('/access/history'))
        .set('authorization', alice);
      expect(history.status).toBe(200);
      expect(
        history.body.versions.map((v: { version: number }) => v.version),
      ).toEqual([2, 1]);
      expect(history.body.versions[0].diff).toContain(
        '-    - name: team-members-use-hosted-models',
      );

      const old = await request(server)
        .get(api('/access?version=1'))
        .set('authorization', alice);
      expect(old.body.source).toBe(v1.source);

      const restored = await request(server)
        .post(api('/access/restore'))
        .set('authorization', carol)
        .send({ version: 1 });
      expect(restored.status).toBe(200);
      expect(restored.body).toMatchObject({
        version: 3,
        origin: 'restore',
        source: v1.source,
        comment: 'restored version 1',
      });
      expect((await evaluate(aliceOnCheckout)).body.decision).toMatchObject({
        decision: 'allow',
      });

      const list = await request(server)
        .get(api(''))
        .set('authorization', alice);
      expect(list.body.policies[0]).toMatchObject({
        name: 'access',
        version: 3,
        activeVersion: 3,
      });
    });

    it('answers 404 for an unknown policy or version, 400 for a bad name', async () => {
      const missing = await request(server)
        .get(api('/nothing'))
        .set('authorization', alice);
      expect(missing.status).toBe(404);
      const noVersion = await request(server)
        .get(api('/access?version=99'))
        .set('authorization', alice);
      expect(noVersion.status).toBe(404);
      expect(noVersion.body.error.message).toBe(
        'Policy "access" has no version 99',
      );
      const badName = await request(server)
        .get(api('/Access!'))
        .set('authorization', alice);
      expect(badName.status).toBe(400);
      const noRestore = await request(server)
        .post(api('/access/restore'))
        .set('authorization', carol)
        .send({ version: 42 });
      expect(noRestore.status).toBe(404);
    });

    it('evaluates for a catalog user, taking the data class from the entity, not the body', async () => {
      const res = await request(server)
        .post(api('/evaluate'))
        .set('authorization', carol)
        .send({
          user: 'user:default/alice',
          request: {
            kind: 'model',
            provider: { id: 'anthropic', type: 'anthropic', local: false },
            entityRef: 'component:default/payments',
            dataClass: 'public',
          },
        });
      expect(res.status).toBe(200);
      expect(res.body.decision).toMatchObject({
        decision: 'deny',
        rule: 'guardrails/confidential-data-stays-local',
      });
      expect(res.body.input).toMatchObject({
        principal: {
          ref: 'user:default/alice',
          groups: ['user:default/alice', 'group:default/payments-team'],
        },
        request: {
          dataClass: 'confidential',
          entity: {
            ref: 'component:default/payments',
            owner: 'group:default/payments-team',
            lifecycle: 'production',
            dataClass: 'confidential',
          },
        },
      });

      // What inspection finds can raise the class of a less sensitive entity.
      const raised = await request(server)
        .post(api('/evaluate'))
        .set('authorization', carol)
        .send({
          user: 'alice',
          request: {
            kind: 'model',
            provider: { id: 'anthropic', type: 'anthropic', local: false },
            entityRef: 'component:default/pilothouse',
            dataClass: 'confidential',
          },
        });
      expect(raised.body.input.request.dataClass).toBe('confidential');
      expect(raised.body.decision.decision).toBe('deny');
    });

    it('evaluates a destructive tool for the owner and for someone else', async () => {
      const tool = {
        server: 'kubernetes',
        name: 'delete_pod',
        destructive: true,
      };
      const decide = async (user: string) =>
        (
          await request(server)
            .post(api('/evaluate'))
            .set('authorization', carol)
            .send({
              user,
              request: {
                kind: 'tool',
                tool,
                entityRef: 'component:default/payments',
              },
            })
        ).body.decision;
      expect(await decide('alice')).toMatchObject({
        decision: 'ask',
        approval: 'approval',
      });
      expect(await decide('bob')).toMatchObject({ decision: 'deny' });
    });

    it('keeps the playground to administrators and to catalog users', async () => {
      const body = { user: 'bob', request: { kind: 'inspect' } };
      const asAlice = await request(server)
        .post(api('/evaluate'))
        .set('authorization', alice)
        .send(body);
      expect(asAlice.status).toBe(403);
      const unknown = await request(server)
        .post(api('/evaluate'))
        .set('authorization', carol)
        .send({ ...body, user: 'mallory' });
      expect(unknown.status).toBe(404);
      const badKind = await request(server)
        .post(api('/evaluate'))
        .set('authorization', carol)
        .send({ ...body, request: { kind: 'email' } });
      expect(badKind.status).toBe(400);
      expect(badKind.body.error.message).toMatch(/request\.kind/);
    });
  },
);
