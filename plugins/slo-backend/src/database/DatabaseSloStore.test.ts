import { TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseSloStore, SloFigures } from './DatabaseSloStore';
import { applyMigrations, migrationsDirectory } from './migrations';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const figures = (status: SloFigures['status'], budgetRemaining: number): SloFigures => ({
  objective: 0.999,
  window: { kind: 'rolling', duration: '4w' },
  sli: { type: 'ratio', value: 0.9995 },
  budgetTotal: 0.001,
  budgetConsumed: 1 - budgetRemaining,
  budgetRemaining,
  burnRates: { '1h': 30 },
  alerts: [],
  status,
});
const unknown = { ...figures('unknown', 0), budgetRemaining: null, budgetConsumed: null };
const at = (minute: number) => new Date(Date.UTC(2026, 4, 1, 12, minute));

describe('DatabaseSloStore', () => {
  it.each(databases.eachSupportedId())(
    'keeps since when an SLO has burned, and its last figures through failed attempts (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      const store = DatabaseSloStore.create({ knex });
      const ref = 'slo:default/payments-availability';

      await store.recordSuccess(ref, figures('ok', 0.9), at(0));
      await store.recordSuccess(ref, figures('burning', 0.8), at(1));
      await store.recordSuccess(ref, figures('burning', 0.7), at(2));
      expect(await store.get(ref)).toMatchObject({
        statusSince: at(1).toISOString(),
        evaluatedAt: at(2).toISOString(),
        figures: { status: 'burning', budgetRemaining: 0.7 },
      });

      await store.recordFailure(ref, 'Prometheus could not be reached', at(3), unknown);
      expect(await store.get(ref)).toMatchObject({
        statusSince: at(1).toISOString(),
        evaluatedAt: at(2).toISOString(),
        attemptedAt: at(3).toISOString(),
        error: 'Prometheus could not be reached',
        figures: { status: 'burning', budgetRemaining: 0.7 },
      });

      // Never evaluated: unknown figures, no evaluation time.
      await store.recordFailure('slo:default/new', 'down', at(3), unknown);
      expect(await store.get('slo:default/new')).toMatchObject({
        evaluatedAt: undefined,
        figures: { status: 'unknown' },
      });
      // Its first success starts its status from then.
      await store.recordSuccess('slo:default/new', figures('unknown', 1), at(4));
      expect((await store.get('slo:default/new'))?.statusSince).toBe(at(4).toISOString());

      expect(await store.retainOnly([ref])).toBe(1);
      expect((await store.list()).map(e => e.entityRef)).toEqual([ref]);
    },
  );

  it.each(databases.eachSupportedId())(
    'migrates up and down (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDirectory });
      expect(await knex.schema.hasTable('slo_evaluations')).toBe(true);
      await knex.migrate.rollback({ directory: migrationsDirectory }, true);
      expect(await knex.schema.hasTable('slo_evaluations')).toBe(false);
    },
  );
});
