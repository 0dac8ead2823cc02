import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Principal } from '@pilothouse/plugin-llm-gateway-common';
import { DatabaseApprovalStore, hashToolCall } from './DatabaseApprovalStore';
import { mayApprove, mayReject } from './mayDecide';

jest.setTimeout(60_000);

const migrations = resolvePackagePath(
  '@pilothouse/plugin-llm-gateway-backend',
  'migrations',
);

const user = (name: string, groups: string[] = []): Principal => ({
  ref: `user:default/${name}`,
  type: 'user',
  groups: [`user:default/${name}`, ...groups],
});
const APPROVERS = ['group:default/sre'];

describe('DatabaseApprovalStore', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  async function createStore(databaseId: any, now = () => new Date()) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrations });
    return {
      knex,
      store: DatabaseApprovalStore.create({ knex, ttlMinutes: 60, now }),
    };
  }

  const call = {
    requester: 'user:default/alice',
    tool: 'tools.delete_thing',
    arguments: { name: 'x', options: { force: true, dry: false } },
    reason: 'destructive',
    mode: 'approval' as const,
  };

  it.each(databases.eachSupportedId())(
    'migrates up and down on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrations });
      expect(await knex.schema.hasTable('llm_gateway_approvals')).toBe(true);
      await knex.migrate.rollback({ directory: migrations }, true);
      expect(await knex.schema.hasTable('llm_gateway_approvals')).toBe(false);
    },
  );

  it.each(databases.eachSupportedId())(
    'binds an approval to the identical call and lets it be used once, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const created = await store.create(call);
      expect(created).toMatchObject({ status: 'pending', mode: 'approval' });
      // The same call again: the same pending approval, not a second one.
      expect((await store.create(call)).id).toBe(created.id);

      await store.decide(created.id, 'approved', 'user:default/bob');
      const sameHash = hashToolCall(call.tool, {
        options: { dry: false, force: true },
        name: 'x',
      });
      expect(sameHash).toBe(created.argumentsHash);

      await expect(
        store.consume(created.id, {
          requester: call.requester,
          tool: call.tool,
          argumentsHash: hashToolCall(call.tool, { name: 'y' }),
        }),
      ).rejects.toThrow(/another call/);
      await expect(
        store.consume(created.id, {
          requester: 'user:default/mallory',
          tool: call.tool,
          argumentsHash: sameHash,
        }),
      ).rejects.toThrow(/not by user:default\/mallory/);

      const used = await store.consume(created.id, {
        requester: call.requester,
        tool: call.tool,
        argumentsHash: sameHash,
      });
      expect(used.status).toBe('used');
      await expect(
        store.consume(created.id, {
          requester: call.requester,
          tool: call.tool,
          argumentsHash: sameHash,
        }),
      ).rejects.toThrow(/is used, not approved/);
      await expect(
        store.decide(created.id, 'rejected', 'user:default/bob'),
      ).rejects.toThrow(/can no longer be decided/);
    },
  );

  it.each(databases.eachSupportedId())(
    'expires approvals that were not used in time, on %p',
    async databaseId => {
      let clock = new Date('2026-11-25T10:00:00Z');
      const { store } = await createStore(databaseId, () => clock);
      const created = await store.create(call);
      await store.decide(created.id, 'approved', 'user:default/bob');
      clock = new Date('2026-11-25T11:00:01Z');
      expect((await store.get(created.id))?.status).toBe('expired');
      await expect(
        store.consume(created.id, {
          requester: call.requester,
          tool: call.tool,
          argumentsHash: created.argumentsHash,
        }),
      ).rejects.toThrow(/is expired/);
    },
  );

  it.each(databases.eachSupportedId())(
    "lists a requester's approvals and, for approvers, everyone's pending ones, on %p",
    async databaseId => {
      const { store } = await createStore(databaseId);
      const a = await store.create(call);
      const c = await store.create({
        ...call,
        requester: 'user:default/carol',
      });
      await store.decide(c.id, 'rejected', 'user:default/carol');
      const d = await store.create({
        ...call,
        requester: 'user:default/dave',
        arguments: { name: 'z' },
      });
      const mine = await store.list({ requester: 'user:default/carol' });
      expect(mine.map(r => r.id)).toEqual([c.id]);
      const pending = await store.list({ statuses: ['pending'] });
      expect(pending.map(r => r.id).sort()).toEqual([a.id, d.id].sort());
    },
  );
});

describe('who may decide', () => {
  const approval = { requester: 'user:default/alice' };

  it('lets the requester confirm their own call in confirm mode', () => {
    expect(
      mayApprove({ ...approval, mode: 'confirm' }, user('alice'), APPROVERS),
    ).toBe(true);
    expect(
      mayApprove({ ...approval, mode: 'confirm' }, user('carol'), APPROVERS),
    ).toBe(false);
  });

  it('needs an approver other than the requester in approval mode', () => {
    const mode = 'approval' as const;
    expect(mayApprove({ ...approval, mode }, user('alice'), APPROVERS)).toBe(
      false,
    );
    // Even an approver cannot approve their own call.
    expect(
      mayApprove({ ...approval, mode }, user('alice', APPROVERS), APPROVERS),
    ).toBe(false);
    expect(mayApprove({ ...approval, mode }, user('carol'), APPROVERS)).toBe(
      false,
    );
    expect(
      mayApprove({ ...approval, mode }, user('bob', APPROVERS), APPROVERS),
    ).toBe(true);
    // The requester may always withdraw.
    expect(mayReject({ ...approval, mode }, user('alice'), APPROVERS)).toBe(
      true,
    );
    expect(mayReject({ ...approval, mode }, user('carol'), APPROVERS)).toBe(
      false,
    );
  });
});
