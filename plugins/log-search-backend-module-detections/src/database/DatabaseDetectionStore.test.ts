import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { logEvent } from '../__testUtils__/events';
import {
  DatabaseDetectionStore,
  DetectionHit,
  MIGRATIONS_TABLE,
  migrationsDirectory,
} from './DatabaseDetectionStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

async function storeOn(
  id: TestDatabaseId,
): Promise<{ store: DatabaseDetectionStore; knex: Knex }> {
  const knex = await databases.init(id);
  const store = await DatabaseDetectionStore.create({
    database: { getClient: async () => knex, migrations: { skip: false } },
  });
  return { store, knex };
}

const at = (minute: number) =>
  new Date(Date.UTC(2026, 10, 27, 10, minute)).toISOString();

function hit(
  minute: number,
  overrides: Partial<DetectionHit> = {},
  events = 1,
): DetectionHit {
  return {
    ruleId: 'rule-1',
    ruleTitle: 'Kubernetes Secrets Enumeration',
    level: 'low',
    attack: ['attack.t1552.007'],
    groupKey: 'user.username=mallory',
    count: events,
    events: Array.from({ length: events }, (_, i) =>
      logEvent(
        { verb: 'list' },
        {
          timestamp: at(minute),
          id: `e-${minute}-${i}`,
          entityRef: 'component:default/payments',
        },
      ),
    ),
    ...overrides,
  };
}

const options = { groupWindowMs: 60 * 60_000, maxEvents: 3 };

describe.each(databases.eachSupportedId())(
  'DatabaseDetectionStore on %p',
  databaseId => {
    it('migrates up and down in its own migrations table', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({
        directory: migrationsDirectory,
        tableName: MIGRATIONS_TABLE,
      });
      expect(await knex.schema.hasTable('log_search_detections')).toBe(true);
      expect(await knex.schema.hasTable(MIGRATIONS_TABLE)).toBe(true);
      expect(await knex.schema.hasTable('knex_migrations')).toBe(false);
      await knex.migrate.rollback(
        { directory: migrationsDirectory, tableName: MIGRATIONS_TABLE },
        true,
      );
      expect(await knex.schema.hasTable('log_search_detections')).toBe(false);
      expect(await knex.schema.hasTable('log_search_service_counts')).toBe(
        false,
      );
    });

    it('groups matches of one rule and group within the window, keeping the newest events', async () => {
      const { store } = await storeOn(databaseId);
      const [first] = await store.record([hit(0)], options);
      expect(first.created).toBe(true);
      const [second] = await store.record([hit(10, {}, 4)], options);
      expect(second.created).toBe(false);
      expect(second.detection).toMatchObject({
        id: first.detection.id,
        count: 5,
        firstSeen: at(0),
        lastSeen: at(10),
        status: 'open',
        entityRef: 'component:default/payments',
        attack: ['attack.t1552.007'],
      });
      // At most maxEvents kept, newest first.
      const { detection, events } = await store.get(first.detection.id);
      expect(detection.eventIds).toHaveLength(3);
      expect(events.map(e => e.timestamp)).toEqual([at(10), at(10), at(10)]);

      // Another group, and the same group after the window: new detections.
      const [other] = await store.record(
        [hit(11, { groupKey: 'user.username=bob' })],
        options,
      );
      expect(other.created).toBe(true);
      const [later] = await store.record([hit(75)], options);
      expect(later.created).toBe(true);
      expect(await store.list({})).toHaveLength(3);
    });

    it('acknowledges and resolves with who and when; a resolved detection is not reopened', async () => {
      const { store } = await storeOn(databaseId);
      const [{ detection }] = await store.record([hit(0)], options);
      const acked = await store.acknowledge(
        detection.id,
        'user:default/kwame',
        'looking',
      );
      expect(acked).toMatchObject({
        status: 'acknowledged',
        acknowledgedBy: 'user:default/kwame',
        note: 'looking',
      });
      expect(Date.parse(acked.acknowledgedAt!)).not.toBeNaN();
      await expect(
        store.acknowledge(detection.id, 'user:default/lena'),
      ).rejects.toThrow(/is acknowledged by user:default\/kwame/);
      // An acknowledged detection still counts new matches.
      const [again] = await store.record([hit(5)], options);
      expect(again).toMatchObject({
        created: false,
        detection: { id: detection.id, count: 2 },
      });

      const resolved = await store.resolve(detection.id, 'user:default/lena');
      expect(resolved).toMatchObject({
        status: 'resolved',
        resolvedBy: 'user:default/lena',
      });
      await expect(
        store.resolve(detection.id, 'user:default/lena'),
      ).rejects.toThrow(/already resolved/);
      const [fresh] = await store.record([hit(6)], options);
      expect(fresh.created).toBe(true);
      await expect(store.get('nope')).rejects.toThrow(/No detection "nope"/);
    });

    it('filters the list by since, status, level and entity', async () => {
      const { store } = await storeOn(databaseId);
      await store.record(
        [
          hit(0),
          hit(30, { ruleId: 'rule-2', level: 'high', groupKey: 'x' }),
          hit(40, {
            ruleId: 'rule-3',
            level: 'critical',
            groupKey: 'y',
            events: [logEvent({}, { timestamp: at(40) })],
          }),
        ],
        options,
      );
      expect((await store.list({ since: at(20) })).map(d => d.ruleId)).toEqual([
        'rule-3',
        'rule-2',
      ]);
      expect(
        (await store.list({ level: ['critical'] })).map(d => d.ruleId),
      ).toEqual(['rule-3']);
      expect(
        (await store.list({ entityRef: 'component:default/payments' })).map(
          d => d.ruleId,
        ),
      ).toEqual(['rule-2', 'rule-1']);
      const [d] = await store.list({ ruleId: 'rule-2' });
      await store.resolve(d.id, 'user:default/bob');
      expect(
        (await store.list({ status: ['open'] })).map(x => x.ruleId),
      ).toEqual(['rule-3', 'rule-1']);
    });

    it('keeps correlation windows and per-minute counts', async () => {
      const { store } = await storeOn(databaseId);
      const state = {
        entries: [{ t: 1000, r: 0 }],
        events: [logEvent({ a: 1 })],
      };
      await store.saveWindows([
        {
          correlationId: 'c1',
          groupKey: 'actor=alice',
          state,
          expiresAt: 5000,
        },
      ]);
      await store.saveWindows([
        {
          correlationId: 'c1',
          groupKey: 'actor=alice',
          state: { ...state, entries: [] },
          expiresAt: 9000,
        },
        { correlationId: 'c1', groupKey: 'actor=bob', state, expiresAt: 2000 },
      ]);
      expect(
        (await store.loadWindows(3000)).map(w => [
          w.groupKey,
          w.expiresAt,
          w.state.entries.length,
        ]),
      ).toEqual([['actor=alice', 9000, 0]]);
      expect(await store.deleteExpiredWindows(3000)).toBe(1);

      await store.addCounts([
        { service: 'payments', minute: 100, total: 5, errors: 1 },
      ]);
      await store.addCounts([
        {
          service: 'payments',
          minute: 100,
          total: 3,
          errors: 2,
          entityRef: 'component:default/payments',
        },
        { service: 'payments', minute: 101, total: 1, errors: 0 },
      ]);
      expect(await store.counts(100, 102)).toEqual([
        {
          service: 'payments',
          minute: 100,
          total: 8,
          errors: 3,
          entityRef: 'component:default/payments',
        },
        { service: 'payments', minute: 101, total: 1, errors: 0 },
      ]);
      expect(await store.pruneCounts(101)).toBe(1);
    });
  },
);
