import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Principal } from '@pilothouse/plugin-llm-gateway-common';
import { readQuotaConfig } from './config';
import { DatabaseUsageStore } from './DatabaseUsageStore';
import { RateLimiterQuotas } from './RateLimiterQuotas';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const alice: Principal = {
  ref: 'user:default/alice',
  type: 'user',
  groups: ['user:default/alice', 'group:default/payments'],
};
const bob: Principal = {
  ref: 'user:default/bob',
  type: 'user',
  groups: ['user:default/bob', 'group:default/payments'],
};

describe('usage per user, team and entity', () => {
  it.each(databases.eachSupportedId())(
    'keeps calls, tokens and cost per UTC day (%p)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const usageStore = await DatabaseUsageStore.create({ knex });
      let now = new Date('2026-03-10T23:59:00.000Z');
      const quotas = new RateLimiterQuotas({
        config: readQuotaConfig(new ConfigReader({})),
        logger: mockServices.logger.mock(),
        usageStore,
        now: () => now,
      });

      await quotas.recordTokens(alice, 1200, {
        costUsd: 0.25,
        entityRef: 'component:default/payments-api',
      });
      await Promise.all([
        quotas.recordTokens(alice, 300, { costUsd: 0.5 }),
        quotas.recordTokens(bob, 100, {
          costUsd: 0.125,
          entityRef: 'component:default/payments-api',
        }),
      ]);
      now = new Date('2026-03-11T00:01:00.000Z');
      await quotas.recordTokens(bob, 50, { costUsd: 0.0625 });

      const day1 = await quotas.usageReport({
        from: '2026-03-10',
        to: '2026-03-10',
      });
      expect(day1).toEqual([
        {
          day: '2026-03-10',
          scope: 'entity',
          subject: 'component:default/payments-api',
          calls: 2,
          tokens: 1300,
          costUsd: 0.375,
        },
        {
          day: '2026-03-10',
          scope: 'team',
          subject: 'group:default/payments',
          calls: 3,
          tokens: 1600,
          costUsd: 0.875,
        },
        {
          day: '2026-03-10',
          scope: 'user',
          subject: 'user:default/alice',
          calls: 2,
          tokens: 1500,
          costUsd: 0.75,
        },
        {
          day: '2026-03-10',
          scope: 'user',
          subject: 'user:default/bob',
          calls: 1,
          tokens: 100,
          costUsd: 0.125,
        },
      ]);

      expect(
        await quotas.usageReport({ scope: 'user', subject: bob.ref }),
      ).toEqual([
        expect.objectContaining({ day: '2026-03-11', tokens: 50 }),
        expect.objectContaining({ day: '2026-03-10', tokens: 100 }),
      ]);
    },
  );
});
