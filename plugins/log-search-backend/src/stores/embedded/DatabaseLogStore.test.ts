import { TestDatabases } from '@backstage/backend-test-utils';
import type { LogEvent } from '@pilothouse/plugin-log-search-common';
import { event, FIXTURE_NOW, fixtureEvents } from '../../__fixtures__/events';
import { matchEvent } from '../../query/matchEvent';
import { parseQuery } from '../../query/parseQuery';
import { migrate, migrationsDirectory } from '../createLogStore';
import { DatabaseLogStore } from './DatabaseLogStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const LAST_HOUR = { from: FIXTURE_NOW - 60 * 60_000, to: FIXTURE_NOW };

/** Query → the fixture events (by number) it finds in the last hour, newest first. */
const CASES: Array<[string, number[]]> = [
  ['service:payments AND level:error AND "timeout"', [1, 2]],
  ['timeout', [1, 2]],
  ['timeout*', [1, 2, 4]],
  ['TIMEOUT', [1, 2]],
  ['"timeout after"', [1]],
  ['"after timeout"', []],
  ['service:payments AND NOT level:error', [3, 4, 10]],
  ['NOT service:payments', [5, 6, 7, 8, 9]],
  ['http.status_code:[500 TO 599]', [1, 2]],
  ['http.status_code:>=429', [1, 2]],
  ['http.status_code:429', [4]],
  ['http.status_code:504', [1]],
  ['level:>=warn', [1, 2, 4, 6, 8, 9]],
  ['level:WARNING', [4, 8, 9]],
  ['service:pay*', [1, 2, 3, 4, 10]],
  ['service:PAY*', [1, 2, 3, 4, 10]],
  ['service:Payments', []],
  ['(service:checkout OR source:audit) AND NOT level:fatal', [5, 9]],
  ['verb:delete AND objectRef.resource:secrets', [7]],
  ['userIdentity.arn:*mallory', [8]],
  ['retry:true', [2]],
  ['amount:42.5', [3]],
  ['user.name:*', [5]],
  ['"findings.SECRET:aws-access-key":>=1', [9]],
  ['übersicht', [10]],
  ['message:*pointer*', [6]],
  ['entity:"component:default/payments"', [1, 2]],
  ['-service:payments AND level:warn', [8, 9]],
  ['postgres primary', [2]],
  ['', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
];

function numbersOf(events: LogEvent[]): number[] {
  return events.map(e => Number(e.id.slice(4)));
}

describe('DatabaseLogStore', () => {
  async function storeWithFixtures(
    databaseId: Parameters<typeof databases.init>[0],
  ) {
    const knex = await databases.init(databaseId);
    await migrate(knex);
    const store = new DatabaseLogStore(knex);
    // Two batches, the newer events first: time order is not arrival order.
    const events = fixtureEvents();
    await store.append(events.slice(0, 5));
    await store.append(events.slice(5));
    return { knex, store, events };
  }

  it.each(databases.eachSupportedId())(
    'finds what each query means, as the live tail matches it (%p)',
    async databaseId => {
      const { store, events } = await storeWithFixtures(databaseId);
      for (const [q, expected] of CASES) {
        const query = parseQuery(q);
        const result = await store.search({
          query,
          range: LAST_HOUR,
          limit: 50,
        });
        expect({ q, found: numbersOf(result.events) }).toEqual({
          q,
          found: expected,
        });
        expect({ q, total: result.total }).toEqual({
          q,
          total: expected.length,
        });
        // The live tail's in-memory matcher agrees with the store.
        const inRange = events.filter(
          e => Date.parse(e.timestamp) >= LAST_HOUR.from,
        );
        expect({
          q,
          tail: numbersOf(inRange.filter(e => matchEvent(query, e))),
        }).toEqual({
          q,
          tail: expected,
        });
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'returns events as they were stored (%p)',
    async databaseId => {
      const { store, events } = await storeWithFixtures(databaseId);
      const result = await store.search({
        query: parseQuery('verb:delete'),
        range: LAST_HOUR,
        limit: 10,
      });
      expect(result.events).toEqual([events[6]]);
      expect(await store.getByIds([events[1].id, events[7].id])).toEqual([
        events[1],
        events[7],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'pages with an opaque cursor, newest first, each event once (%p)',
    async databaseId => {
      const { store } = await storeWithFixtures(databaseId);
      // Equal timestamps: the order falls back to arrival.
      await store.append([
        event(20, { message: 'same minute a' }),
        event(20, { message: 'same minute b' }),
      ]);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.search({
          query: parseQuery(''),
          range: LAST_HOUR,
          limit: 3,
          cursor,
        });
        expect(page.total).toBe(12);
        seen.push(...page.events.map(e => e.timestamp + e.id));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(4);
      expect(new Set(seen).size).toBe(12);
      expect(seen).toEqual([...seen].sort().reverse());
      await expect(
        store.search({
          query: parseQuery(''),
          range: LAST_HOUR,
          limit: 3,
          cursor: 'garbage',
        }),
      ).rejects.toThrow(/cursor/);
    },
  );

  it.each(databases.eachSupportedId())(
    'counts matches and errors per bucket (%p)',
    async databaseId => {
      const { store } = await storeWithFixtures(databaseId);
      const buckets = await store.histogram({
        query: parseQuery(''),
        range: LAST_HOUR,
        intervalMs: 10 * 60_000,
      });
      expect(buckets).toEqual([
        { t: '2026-11-26T09:30:00.000Z', count: 1, errors: 0 },
        { t: '2026-11-26T09:50:00.000Z', count: 9, errors: 3 },
      ]);
      const payments = await store.histogram({
        query: parseQuery('service:payments'),
        range: { from: FIXTURE_NOW - 120 * 60_000, to: FIXTURE_NOW },
        intervalMs: 60 * 60_000,
      });
      expect(payments).toEqual([
        { t: '2026-11-26T08:00:00.000Z', count: 1, errors: 1 },
        { t: '2026-11-26T09:00:00.000Z', count: 5, errors: 2 },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'deletes events by age and then by size, index included (%p)',
    async databaseId => {
      const { store } = await storeWithFixtures(databaseId);
      const everything = {
        from: FIXTURE_NOW - 24 * 3_600_000,
        to: FIXTURE_NOW,
      };
      expect(
        (
          await store.search({
            query: parseQuery('timeout'),
            range: everything,
            limit: 50,
          })
        ).total,
      ).toBe(3);

      expect(await store.retain({ maxAgeMs: 60 * 60_000 }, FIXTURE_NOW)).toBe(
        1,
      );
      expect(
        numbersOf(
          (
            await store.search({
              query: parseQuery('timeout'),
              range: everything,
              limit: 50,
            })
          ).events,
        ),
      ).toEqual([1, 2]);

      // Room for about a third: the first batch (1-5) arrived first, so it goes.
      const { bytes } = await store.stats();
      const deleted = await store.retain(
        { maxBytes: Math.floor(bytes / 3) },
        FIXTURE_NOW,
      );
      expect(deleted).toBeGreaterThan(4);
      const left = await store.search({
        query: parseQuery(''),
        range: everything,
        limit: 50,
      });
      expect(left.total).toBe(10 - deleted);
      expect(numbersOf(left.events).every(n => n > 5)).toBe(true);
      expect(
        (
          await store.search({
            query: parseQuery('timeout'),
            range: everything,
            limit: 50,
          })
        ).total,
      ).toBe(0);

      // New events are indexed as before.
      await store.append([event(1, { message: 'timeout again' })]);
      expect(
        (
          await store.search({
            query: parseQuery('timeout'),
            range: everything,
            limit: 50,
          })
        ).total,
      ).toBe(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'migrations go down and up in order (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrate(knex);
      const indexes = async () =>
        knex.client.config.client === 'pg'
          ? (
              await knex.raw(
                "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'log_events'",
              )
            ).rows.map((r: { name: string }) => r.name)
          : (
              await knex.raw(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'log_events'",
              )
            ).map((r: { name: string }) => r.name);
      expect(await indexes()).toContain('log_events_service_level_ts_idx');

      await knex.migrate.down({ directory: migrationsDirectory });
      expect(await indexes()).not.toContain('log_events_service_level_ts_idx');
      expect(await indexes()).toContain('log_events_service_ts_idx');

      await knex.migrate.down({ directory: migrationsDirectory });
      expect(await knex.schema.hasTable('log_events')).toBe(false);
      expect(await knex.schema.hasTable('log_saved_searches')).toBe(false);

      await migrate(knex);
      expect(await indexes()).toContain('log_events_service_level_ts_idx');
    },
  );
});
