import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  PolicyInput,
  Principal,
} from '@pilothouse/plugin-llm-gateway-common';
import type { Knex } from 'knex';
import {
  repoCatalogEntities,
  repoPolicies,
} from '../../__fixtures__/repository';
import { applyDatabaseMigrations } from '../../database/migrations';
import { CatalogEntityResolver } from '../Entities/CatalogEntityResolver';
import { mostSensitive } from '../Entities/dataClass';
import { DatabasePolicyStore } from './DatabasePolicyStore';
import { StoredPolicyEngine } from './StoredPolicyEngine';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

async function freshStore(): Promise<{
  knex: Knex;
  store: DatabasePolicyStore;
}> {
  const knex = await databases.init('SQLITE_3');
  await applyDatabaseMigrations(knex);
  return { knex, store: DatabasePolicyStore.create({ knex }) };
}

function policy(name: string, rules: string, priority = 100): string {
  return `apiVersion: pilothouse.dev/v1alpha1
kind: GatewayPolicy
metadata:
  name: ${name}
spec:
  priority: ${priority}
  rules:
${rules}`;
}

describe('StoredPolicyEngine with the repository policies and catalog', () => {
  const entities = CatalogEntityResolver.create({
    catalog: catalogServiceMock({ entities: repoCatalogEntities() }),
    logger: mockServices.logger.mock(),
  });
  const credentials = mockCredentials.user('user:default/carol');
  let engine: StoredPolicyEngine;
  const people: Record<string, Principal> = {};

  beforeAll(async () => {
    const { store } = await freshStore();
    for (const { name, source } of repoPolicies()) {
      await store.save(name, source, 'test');
    }
    engine = StoredPolicyEngine.create({
      store,
      logger: mockServices.logger.mock(),
    });
    for (const name of ['alice', 'bob', 'carol']) {
      people[name] = await entities.resolveUser(name, { credentials });
    }
    // The guest sign-in: a user with no catalog entity and no groups.
    people.guest = {
      ref: 'user:development/guest',
      type: 'user',
      groups: ['user:development/guest'],
    };
  });

  const local = { id: 'intent', type: 'local' as const, local: true };
  const hosted = { id: 'anthropic', type: 'anthropic' as const, local: false };
  const readOnlyTool = {
    server: 'kubernetes',
    name: 'list_pods',
    readOnly: true,
    destructive: false,
    idempotent: true,
  };
  const destructiveTool = {
    server: 'kubernetes',
    name: 'delete_pod',
    readOnly: false,
    destructive: true,
    idempotent: false,
  };
  const requests = {
    'the local model': { kind: 'model', provider: local },
    'a hosted model with confidential data (payments)': {
      kind: 'model',
      provider: hosted,
      entityRef: 'component:default/payments',
    },
    'a hosted model with internal data (checkout)': {
      kind: 'model',
      provider: hosted,
      entityRef: 'component:default/checkout',
    },
    'a read-only tool on payments': {
      kind: 'tool',
      tool: readOnlyTool,
      entityRef: 'component:default/payments',
    },
    'a destructive tool on payments (production)': {
      kind: 'tool',
      tool: destructiveTool,
      entityRef: 'component:default/payments',
    },
    'a destructive tool on notifications (experimental, platform-team)': {
      kind: 'tool',
      tool: destructiveTool,
      entityRef: 'component:default/notifications',
    },
  } as const;

  async function inputFor(
    who: string,
    what: keyof typeof requests,
  ): Promise<PolicyInput> {
    const { entityRef, ...request } = requests[what] as {
      kind: 'model' | 'tool';
      provider?: typeof local;
      tool?: typeof readOnlyTool;
      entityRef?: string;
    };
    const entity = entityRef
      ? await entities.resolve(entityRef, { credentials })
      : undefined;
    return {
      principal: people[who],
      request: {
        ...request,
        ...(entity ? { entity } : {}),
        dataClass: mostSensitive(entity?.dataClass ?? 'internal'),
        findings: [],
      },
    };
  }

  it.each`
    who        | what                                                                   | decision   | approval      | rule
    ${'alice'} | ${'the local model'}                                                   | ${'allow'} | ${''}         | ${'access/everyone-uses-local-models'}
    ${'alice'} | ${'a hosted model with confidential data (payments)'}                  | ${'deny'}  | ${''}         | ${'guardrails/confidential-data-stays-local'}
    ${'alice'} | ${'a hosted model with internal data (checkout)'}                      | ${'allow'} | ${''}         | ${'access/team-members-use-hosted-models'}
    ${'alice'} | ${'a read-only tool on payments'}                                      | ${'allow'} | ${''}         | ${'access/read-only-tools-for-signed-in-users'}
    ${'alice'} | ${'a destructive tool on payments (production)'}                       | ${'ask'}   | ${'approval'} | ${'guardrails/production-changes-need-a-second-person'}
    ${'alice'} | ${'a destructive tool on notifications (experimental, platform-team)'} | ${'deny'}  | ${''}         | ${'guardrails/destructive-tools-only-for-owners'}
    ${'bob'}   | ${'the local model'}                                                   | ${'allow'} | ${''}         | ${'access/everyone-uses-local-models'}
    ${'bob'}   | ${'a hosted model with confidential data (payments)'}                  | ${'deny'}  | ${''}         | ${'guardrails/confidential-data-stays-local'}
    ${'bob'}   | ${'a hosted model with internal data (checkout)'}                      | ${'allow'} | ${''}         | ${'access/team-members-use-hosted-models'}
    ${'bob'}   | ${'a read-only tool on payments'}                                      | ${'allow'} | ${''}         | ${'access/read-only-tools-for-signed-in-users'}
    ${'bob'}   | ${'a destructive tool on payments (production)'}                       | ${'deny'}  | ${''}         | ${'guardrails/destructive-tools-only-for-owners'}
    ${'bob'}   | ${'a destructive tool on notifications (experimental, platform-team)'} | ${'deny'}  | ${''}         | ${'guardrails/destructive-tools-only-for-owners'}
    ${'carol'} | ${'the local model'}                                                   | ${'allow'} | ${''}         | ${'access/platform-admins-use-everything'}
    ${'carol'} | ${'a hosted model with confidential data (payments)'}                  | ${'deny'}  | ${''}         | ${'guardrails/confidential-data-stays-local'}
    ${'carol'} | ${'a hosted model with internal data (checkout)'}                      | ${'allow'} | ${''}         | ${'access/platform-admins-use-everything'}
    ${'carol'} | ${'a read-only tool on payments'}                                      | ${'allow'} | ${''}         | ${'access/platform-admins-use-everything'}
    ${'carol'} | ${'a destructive tool on payments (production)'}                       | ${'ask'}   | ${'approval'} | ${'guardrails/production-changes-need-a-second-person'}
    ${'carol'} | ${'a destructive tool on notifications (experimental, platform-team)'} | ${'ask'}   | ${'confirm'}  | ${'guardrails/owners-confirm-destructive-changes'}
    ${'guest'} | ${'the local model'}                                                   | ${'allow'} | ${''}         | ${'access/everyone-uses-local-models'}
    ${'guest'} | ${'a hosted model with confidential data (payments)'}                  | ${'deny'}  | ${''}         | ${'guardrails/confidential-data-stays-local'}
    ${'guest'} | ${'a hosted model with internal data (checkout)'}                      | ${'deny'}  | ${''}         | ${'default'}
    ${'guest'} | ${'a read-only tool on payments'}                                      | ${'allow'} | ${''}         | ${'access/read-only-tools-for-signed-in-users'}
    ${'guest'} | ${'a destructive tool on payments (production)'}                       | ${'deny'}  | ${''}         | ${'guardrails/destructive-tools-only-for-owners'}
    ${'guest'} | ${'a destructive tool on notifications (experimental, platform-team)'} | ${'deny'}  | ${''}         | ${'guardrails/destructive-tools-only-for-owners'}
  `(
    '$who, $what: $decision $approval by $rule',
    async ({ who, what, decision, approval, rule }) => {
      const result = await engine.decide(await inputFor(who, what));
      expect(result).toEqual({
        decision,
        rule,
        reason: expect.any(String),
        ...(approval ? { approval } : {}),
      });
    },
  );

  it('lets the owners of a non-production entity confirm a destructive tool', async () => {
    const input = await inputFor(
      'carol',
      'a destructive tool on notifications (experimental, platform-team)',
    );
    // ivan is in platform-team but not an administrator.
    const ivan = await entities.resolveUser('ivan', { credentials });
    expect(await engine.decide({ ...input, principal: ivan })).toMatchObject({
      decision: 'ask',
      approval: 'confirm',
      rule: 'guardrails/owners-confirm-destructive-changes',
    });
  });

  it('asks a second person for a destructive tool on an entity whose SLO burns, in production or not', async () => {
    // The SLO backend says notifications burns (or its status cannot be read).
    const withSlo = CatalogEntityResolver.create({
      catalog: catalogServiceMock({ entities: repoCatalogEntities() }),
      logger: mockServices.logger.mock(),
      sloStatus: {
        burning: async ref => ref === 'component:default/notifications',
      },
    });
    const ivan = await entities.resolveUser('ivan', { credentials });
    const notifications = await withSlo.resolve(
      'component:default/notifications',
      {
        credentials,
      },
    );
    expect(notifications.sloBurning).toBe(true);
    const input = await inputFor(
      'carol',
      'a destructive tool on notifications (experimental, platform-team)',
    );
    const burning = {
      ...input,
      request: { ...input.request, entity: notifications },
    };
    // The owner who would only confirm now needs an approver.
    expect(await engine.decide({ ...burning, principal: ivan })).toMatchObject({
      decision: 'ask',
      approval: 'approval',
      rule: 'guardrails/burning-services-need-a-second-person',
      reason: expect.stringMatching(/burning its error budget/),
    });
    // Someone who may not change it at all still may not.
    expect(
      await engine.decide({ ...burning, principal: people.alice }),
    ).toMatchObject({
      decision: 'deny',
      rule: 'guardrails/destructive-tools-only-for-owners',
    });
    // Read-only tools are not held up.
    expect(
      await engine.decide({
        ...burning,
        principal: ivan,
        request: { ...burning.request, tool: readOnlyTool },
      }),
    ).toMatchObject({ decision: 'allow' });
    // A healthy entity keeps its usual rule.
    const checkout = await withSlo.resolve('component:default/checkout', {
      credentials,
    });
    expect(checkout.sloBurning).toBe(false);
  });

  it('denies a service principal everything but local models and inspection', async () => {
    const service: Principal = {
      ref: 'plugin:catalog',
      type: 'service',
      groups: [],
    };
    const readOnly = await inputFor('alice', 'a read-only tool on payments');
    expect(
      (await engine.decide({ ...readOnly, principal: service })).decision,
    ).toBe('deny');
    expect(
      (
        await engine.decide({
          principal: service,
          request: { kind: 'inspect', dataClass: 'internal', findings: [] },
        })
      ).decision,
    ).toBe('allow');
  });
});

describe('StoredPolicyEngine semantics', () => {
  const toolCall = (
    name: string,
    args?: Record<string, unknown>,
  ): PolicyInput => ({
    principal: {
      ref: 'user:default/alice',
      type: 'user',
      groups: ['user:default/alice', 'group:default/payments-team'],
    },
    request: {
      kind: 'tool',
      dataClass: 'internal',
      tool: {
        server: 'kubernetes',
        name,
        readOnly: false,
        destructive: false,
        idempotent: true,
      },
      ...(args ? { arguments: args } : {}),
      findings: [],
    },
  });

  it('denies, with rule error and a readable reason, when a rule fails at run time', async () => {
    const { store } = await freshStore();
    await store.save(
      'scaling',
      policy(
        'scaling',
        `    - name: no-big-scale-ups
      when: request.kind == "tool" && request.tool.name == "scale" && request.arguments.replicas > 5
      decision: deny
    - name: everything-else
      when: "true"
      decision: allow
`,
      ),
      'test',
    );
    const logger = mockServices.logger.mock();
    const engine = StoredPolicyEngine.create({ store, logger });

    expect(
      await engine.decide(toolCall('scale', { replicas: 3 })),
    ).toMatchObject({
      decision: 'allow',
    });
    expect(
      await engine.decide(toolCall('scale', { replicas: 9 })),
    ).toMatchObject({
      decision: 'deny',
      rule: 'scaling/no-big-scale-ups',
    });
    // No replicas at all, and replicas of the wrong type: the rule cannot say.
    for (const args of [{}, { replicas: 'many' }]) {
      const decision = await engine.decide(toolCall('scale', args));
      expect(decision).toEqual({
        decision: 'deny',
        rule: 'error',
        reason: expect.stringMatching(
          /^Rule no-big-scale-ups of policy scaling could not be evaluated \(.+\), so the request is denied\.$/,
        ),
      });
    }
    expect(logger.error).toHaveBeenCalledWith(
      'policy rule could not be evaluated; request denied',
      expect.objectContaining({ policy: 'scaling', rule: 'no-big-scale-ups' }),
    );
  });

  it('orders documents by priority then name; the first match decides; no match denies', async () => {
    const { store } = await freshStore();
    const allowAll = `    - name: all
      when: "true"
      decision: allow
`;
    const denyScale = `    - name: no-scale
      when: request.kind == "tool" && request.tool.name == "scale"
      decision: deny
`;
    await store.save('aaa', policy('aaa', allowAll, 100), 'test');
    await store.save('zzz', policy('zzz', denyScale, 10), 'test');
    const engine = StoredPolicyEngine.create({
      store,
      logger: mockServices.logger.mock(),
    });
    expect((await engine.decide(toolCall('scale'))).rule).toBe('zzz/no-scale');
    expect((await engine.decide(toolCall('get'))).rule).toBe('aaa/all');

    await store.save('zzz', policy('zzz', denyScale, 100), 'test');
    await engine.refresh();
    // Same priority: by name, so aaa's allow comes first.
    expect((await engine.decide(toolCall('scale'))).rule).toBe('aaa/all');

    await store.save(
      'aaa',
      policy('aaa', '', 100).replace('rules:\n', 'rules: []\n'),
      'test',
    );
    await engine.refresh();
    expect(await engine.decide(toolCall('get'))).toEqual({
      decision: 'deny',
      rule: 'default',
      reason: 'No policy rule allows this request.',
    });
  });

  it('picks up a version saved through another replica within the refresh interval', async () => {
    const { store } = await freshStore();
    const allow = (name: string) =>
      policy(
        'tools',
        `    - name: ${name}
      when: request.kind == "tool"
      decision: allow
`,
      );
    await store.save('tools', allow('first'), 'test');
    const logger = mockServices.logger.mock();
    const everyTime = StoredPolicyEngine.create({
      store,
      logger,
      refreshIntervalMs: 0,
    });
    const hourly = StoredPolicyEngine.create({
      store,
      logger,
      refreshIntervalMs: 3_600_000,
    });
    expect((await everyTime.decide(toolCall('get'))).rule).toBe('tools/first');
    expect((await hourly.decide(toolCall('get'))).rule).toBe('tools/first');

    await store.save('tools', allow('second'), 'test');
    expect((await everyTime.decide(toolCall('get'))).rule).toBe('tools/second');
    expect((await hourly.decide(toolCall('get'))).rule).toBe('tools/first');
    await hourly.refresh();
    expect((await hourly.decide(toolCall('get'))).rule).toBe('tools/second');
  });

  it('keeps the newest compiling version when the latest stored one no longer compiles', async () => {
    const { knex, store } = await freshStore();
    const good = policy(
      'tools',
      `    - name: good
      when: request.kind == "tool"
      decision: allow
`,
    );
    await store.save('tools', good, 'test');
    // As if saved under an older, laxer schema.
    await knex('policy_versions').insert({
      name: 'tools',
      version: 2,
      source: good.replace('decision: allow', 'decision: permit'),
      author: 'test',
      origin: 'admin',
      created_at: new Date(),
    });
    const engine = StoredPolicyEngine.create({
      store,
      logger: mockServices.logger.mock(),
    });
    expect((await engine.decide(toolCall('get'))).rule).toBe('tools/good');
    const status = await engine.status();
    expect(status.active).toEqual([
      { name: 'tools', version: 1, priority: 100, rules: 1 },
    ]);
    expect(status.problems).toEqual([
      expect.objectContaining({
        name: 'tools',
        location: 'stored version 2',
        errors: [
          expect.objectContaining({ path: 'spec.rules.0.decision', line: 10 }),
        ],
      }),
    ]);
  });

  it('denies everything when the policies cannot be read at all', async () => {
    const { knex, store } = await freshStore();
    await knex.destroy();
    const engine = StoredPolicyEngine.create({
      store,
      logger: mockServices.logger.mock(),
    });
    expect(await engine.decide(toolCall('get'))).toMatchObject({
      decision: 'deny',
      rule: 'error',
    });
  });
});
