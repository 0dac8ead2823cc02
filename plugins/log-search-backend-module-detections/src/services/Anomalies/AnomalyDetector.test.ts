import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { Detection } from '@pilothouse/plugin-log-search-common';
import {
  DatabaseDetectionStore,
  ServiceCount,
} from '../../database/DatabaseDetectionStore';
import { AnomalyDetector } from './AnomalyDetector';
import { DEFAULT_ANOMALY_OPTIONS } from './baselines';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const WEEK = 7 * 24 * 60;

describe.each(databases.eachSupportedId())(
  'AnomalyDetector on %p',
  databaseId => {
    it('turns a volume spike in the counts it kept into one grouped anomaly.volume detection', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseDetectionStore.create({
        database: { getClient: async () => knex, migrations: { skip: false } },
      });
      // Judged: the 10 minutes before 03:20 on some Monday; four past weeks of
      // that hour at 5 events a minute, now 40 a minute.
      const now = Date.UTC(2026, 10, 23, 3, 20, 30);
      const nowMinute = Math.floor(now / 60_000);
      const judged = nowMinute - (nowMinute % 10) - 10;
      const counts: ServiceCount[] = [];
      for (let w = 1; w <= 4; w++) {
        const hour = Math.floor(judged / 60) * 60 - w * WEEK;
        for (let m = 0; m < 60; m++) {
          counts.push({
            service: 'payments',
            minute: hour + m,
            total: 5 + (m % 3),
            errors: 0,
          });
        }
      }
      for (let m = 0; m < 10; m++) {
        counts.push({
          service: 'payments',
          minute: judged + m,
          total: 40,
          errors: 0,
          entityRef: 'component:default/payments',
        });
      }
      await store.addCounts(counts);

      const told: Detection[] = [];
      const detector = new AnomalyDetector({
        store,
        logger: mockServices.logger.mock(),
        settings: DEFAULT_ANOMALY_OPTIONS,
        groupWindowMs: 3_600_000,
        onDetection: d => void told.push(d),
      });
      const [created] = await detector.run(now);
      expect(created).toMatchObject({
        ruleId: 'anomaly.volume',
        ruleTitle: 'Log volume out of its usual range',
        groupKey: 'service=payments',
        entityRef: 'component:default/payments',
        level: 'high',
        count: 1,
      });
      expect(told.map(d => d.id)).toEqual([created.id]);
      const { events } = await store.get(created.id);
      expect(events[0].message).toMatch(
        /^events of payments: 400 vs usual 60 /,
      );

      // The same judgement again (a second replica, a retry) is neither a new
      // detection nor a second occurrence.
      expect(await detector.run(now)).toEqual([]);
      expect((await store.list({})).map(d => d.count)).toEqual([1]);

      // The next interval still breaking is one more occurrence of it.
      for (let m = 10; m < 20; m++) {
        await store.addCounts([
          {
            service: 'payments',
            minute: judged + m,
            total: 40,
            errors: 0,
            entityRef: 'component:default/payments',
          },
        ]);
      }
      expect(await detector.run(now + 10 * 60_000)).toEqual([]);
      expect((await store.list({})).map(d => d.count)).toEqual([2]);

      // Counts older than the baseline needs are dropped.
      expect(await detector.prune(now)).toBe(0);
      expect(await detector.prune(now + 2 * WEEK * 60_000)).toBeGreaterThan(0);
    });
  },
);
