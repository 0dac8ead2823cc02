import { randomUUID } from 'node:crypto';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Principal } from '@pilothouse/plugin-llm-gateway-common';
import { createClient } from '@redis/client';
import { readQuotaConfig } from './config';
import { QuotaExceededError } from './QuotaExceededError';
import { QuotaRedisClient, RateLimiterQuotas } from './RateLimiterQuotas';

jest.setTimeout(60_000);

const redisUrl = process.env.PILOTHOUSE_TEST_REDIS_URL;
let redis: QuotaRedisClient;

beforeAll(async () => {
  if (!redisUrl) {
    throw new Error(
      'PILOTHOUSE_TEST_REDIS_URL is not set: these tests need a Redis (scripts/test.sh starts one)',
    );
  }
  redis = createClient({ url: redisUrl });
  await redis.connect();
});

afterAll(async () => {
  await redis?.quit();
});

const user = (name: string, ...teams: string[]): Principal => ({
  ref: `user:default/${name}`,
  type: 'user',
  groups: [`user:default/${name}`, ...teams.map(t => `group:default/${t}`)],
});

type Store = 'memory' | 'redis';

function quotas(
  store: Store,
  quotasConfig: object,
  now: () => Date = () => new Date(),
) {
  return new RateLimiterQuotas({
    config: readQuotaConfig(
      new ConfigReader({ llmGateway: { quotas: quotasConfig } }),
    ),
    logger: mockServices.logger.mock(),
    redis: store === 'redis' ? redis : undefined,
    // Each test counts under its own keys in the shared test Redis.
    keyPrefix: `test-quota:${randomUUID()}`,
    now,
  });
}

async function outcomes(attempts: Array<Promise<void>>) {
  const results = await Promise.allSettled(attempts);
  const refused = results.flatMap(r =>
    r.status === 'rejected' ? [r.reason] : [],
  );
  return {
    admitted: results.length - refused.length,
    refused,
  };
}

describe.each<Store>(['memory', 'redis'])('RateLimiterQuotas (%s)', store => {
  it('admits exactly the limit of 25 concurrent requests and refuses the rest with 429', async () => {
    const q = quotas(store, {
      defaults: {
        user: { requestsPerMinute: 10 },
        team: { requestsPerMinute: 1000 },
      },
    });
    const alice = user('alice', 'payments');
    const { admitted, refused } = await outcomes(
      Array.from({ length: 25 }, () => q.admitRequest(alice)),
    );

    expect(admitted).toBe(10);
    expect(refused).toHaveLength(15);
    for (const error of refused) {
      expect(error).toBeInstanceOf(QuotaExceededError);
      expect(error.statusCode).toBe(429);
      expect(error.message).toMatch(
        /^Quota exceeded: user user:default\/alice may make 10 requests per minute; try again in \d+ s$/,
      );
      expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(error.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
  });

  it('shares a team limit across its members', async () => {
    const q = quotas(store, {
      defaults: {
        user: { requestsPerMinute: 10 },
        team: { requestsPerMinute: 15 },
      },
    });
    const alice = user('alice', 'payments');
    const bob = user('bob', 'payments');
    const { admitted, refused } = await outcomes(
      Array.from({ length: 20 }, (_, i) => q.admitRequest(i % 2 ? alice : bob)),
    );

    expect(admitted).toBe(15);
    expect(refused[0].message).toMatch(
      /team group:default\/payments may make 15 requests per minute/,
    );
    // Refused requests are given back to the users: 15 in all.
    const usage = await q.usage();
    const used = (subject: string) =>
      usage.find(u => u.subject === subject)?.requestsPerMinute.used;
    expect(used('group:default/payments')).toBe(15);
    expect(used(alice.ref)! + used(bob.ref)!).toBe(15);

    // Another team is not affected.
    await expect(q.admitRequest(user('carol', 'search'))).resolves.toBe(
      undefined,
    );
  });

  it("does not spend a team's budget on requests the user's own limit refuses", async () => {
    const q = quotas(store, {
      defaults: {
        user: { requestsPerMinute: 2 },
        team: { requestsPerMinute: 5 },
      },
    });
    const alice = user('alice', 'payments');
    for (let i = 0; i < 4; i++) {
      await q.admitRequest(alice).catch(() => undefined);
    }
    const { admitted } = await outcomes(
      ['bob', 'carol', 'dave', 'erin'].map(name =>
        q.admitRequest(user(name, 'payments')),
      ),
    );
    expect(admitted).toBe(3);
  });

  it('refuses requests once a token budget is spent, until the next UTC day', async () => {
    let now = new Date('2026-03-10T21:00:00.000Z');
    const q = quotas(
      store,
      {
        defaults: {
          user: { tokensPerDay: 1000 },
          team: { tokensPerDay: 1500 },
        },
      },
      () => now,
    );
    const alice = user('alice', 'payments');
    const bob = user('bob', 'payments');

    await q.recordTokens(alice, 600);
    await expect(q.checkTokens(alice)).resolves.toBe(undefined);
    await q.recordTokens(alice, 500);

    const refusal = await q.admitRequest(alice).catch(e => e);
    expect(refusal).toBeInstanceOf(QuotaExceededError);
    expect(refusal.message).toBe(
      'Quota exceeded: user user:default/alice has used its 1000 tokens for today (UTC); try again in 10800 s',
    );
    expect(refusal.retryAfterSeconds).toBe(3 * 60 * 60);

    // Bob has his own budget, but the team's 1500 is spent after his 400.
    await q.admitRequest(bob);
    await q.recordTokens(bob, 400);
    await expect(q.checkTokens(bob)).rejects.toThrow(
      /team group:default\/payments has used its 1500 tokens/,
    );

    const usage = await q.usage();
    expect(usage).toContainEqual({
      subject: alice.ref,
      scope: 'user',
      requestsPerMinute: { used: 0, limit: 60 },
      tokensPerDay: { used: 1100, limit: 1000 },
    });

    now = new Date('2026-03-11T00:00:01.000Z');
    await expect(q.admitRequest(alice)).resolves.toBe(undefined);
  });

  it('applies per-subject overrides and lists configured subjects', async () => {
    const q = quotas(store, {
      defaults: { user: { requestsPerMinute: 1 } },
      overrides: [
        { subject: 'user:default/alice', requestsPerMinute: 3 },
        { subject: 'group:default/platform', tokensPerDay: 5 },
      ],
    });
    const alice = user('alice');
    const { admitted } = await outcomes(
      Array.from({ length: 5 }, () => q.admitRequest(alice)),
    );
    expect(admitted).toBe(3);
    await q.admitRequest(user('bob'));
    await expect(q.admitRequest(user('bob'))).rejects.toThrow(
      /may make 1 requests per minute/,
    );

    expect(await q.usage()).toEqual([
      {
        subject: 'group:default/platform',
        scope: 'team',
        requestsPerMinute: { used: 0, limit: 600 },
        tokensPerDay: { used: 0, limit: 5 },
      },
      {
        subject: 'user:default/alice',
        scope: 'user',
        requestsPerMinute: { used: 3, limit: 3 },
        tokensPerDay: { used: 0, limit: 200_000 },
      },
      {
        subject: 'user:default/bob',
        scope: 'user',
        requestsPerMinute: { used: 1, limit: 1 },
        tokensPerDay: { used: 0, limit: 200_000 },
      },
    ]);
  });

  it('counts service credentials under the service', async () => {
    const q = quotas(store, { defaults: { user: { requestsPerMinute: 1 } } });
    const service: Principal = {
      ref: 'plugin:ai-assistant',
      type: 'service',
      groups: [],
    };
    await q.admitRequest(service);
    await expect(q.admitRequest(service)).rejects.toThrow(
      /service plugin:ai-assistant may make 1 requests per minute/,
    );
  });

  it('lets every request through when quotas are disabled', async () => {
    const q = quotas(store, {
      enabled: false,
      defaults: { user: { requestsPerMinute: 1 } },
    });
    const { admitted } = await outcomes(
      Array.from({ length: 5 }, () => q.admitRequest(user('alice'))),
    );
    expect(admitted).toBe(5);
  });
});

describe('RateLimiterQuotas across replicas', () => {
  it('shares counts between two replicas through Redis', async () => {
    const config = readQuotaConfig(
      new ConfigReader({
        llmGateway: {
          quotas: { defaults: { user: { requestsPerMinute: 10 } } },
        },
      }),
    );
    const keyPrefix = `test-quota:${randomUUID()}`;
    const second = createClient({ url: redisUrl });
    await second.connect();
    try {
      const replicas = [redis, second].map(
        client =>
          new RateLimiterQuotas({
            config,
            logger: mockServices.logger.mock(),
            redis: client,
            keyPrefix,
          }),
      );
      const alice = user('alice');
      const { admitted } = await outcomes(
        Array.from({ length: 16 }, (_, i) =>
          replicas[i % 2].admitRequest(alice),
        ),
      );
      expect(admitted).toBe(10);
    } finally {
      await second.quit();
    }
  });

  it('refuses calls while Redis is unreachable, by default', async () => {
    // A client that never connected: not ready, as during an outage.
    const offline = createClient({ url: redisUrl });
    const q = new RateLimiterQuotas({
      config: readQuotaConfig(
        new ConfigReader({
          llmGateway: {
            quotas: {
              redis: { url: redisUrl },
              defaults: { user: { requestsPerMinute: 2 } },
            },
          },
        }),
      ),
      logger: mockServices.logger.mock(),
      redis: offline,
      keyPrefix: `test-quota:${randomUUID()}`,
    });
    const { admitted, refused } = await outcomes(
      Array.from({ length: 4 }, () => q.admitRequest(user('alice'))),
    );
    expect(admitted).toBe(0);
    expect(refused[0]).toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(/LLM quotas cannot be checked/),
    });
  });

  it('falls back to memory counts while Redis is unreachable, if so configured', async () => {
    const offline = createClient({ url: redisUrl });
    const q = new RateLimiterQuotas({
      config: readQuotaConfig(
        new ConfigReader({
          llmGateway: {
            quotas: {
              redis: { url: redisUrl, onUnavailable: 'memory' },
              defaults: { user: { requestsPerMinute: 2 } },
            },
          },
        }),
      ),
      logger: mockServices.logger.mock(),
      redis: offline,
      keyPrefix: `test-quota:${randomUUID()}`,
    });
    const { admitted } = await outcomes(
      Array.from({ length: 4 }, () => q.admitRequest(user('alice'))),
    );
    expect(admitted).toBe(2);
  });
});

describe('readQuotaConfig', () => {
  it('names the key that is wrong', () => {
    expect(() =>
      readQuotaConfig(
        new ConfigReader({
          llmGateway: {
            quotas: { defaults: { user: { requestsPerMinute: -1 } } },
          },
        }),
      ),
    ).toThrow(/llmGateway\.quotas\.defaults\.user\.requestsPerMinute/);
  });

  it('says so when the Redis URL is missing, as with an unset variable', () => {
    expect(() =>
      readQuotaConfig(
        new ConfigReader({ llmGateway: { quotas: { redis: {} } } }),
      ),
    ).toThrow(
      'Invalid llmGateway.quotas.redis.url: is not set (set it, or remove llmGateway.quotas.redis to count in memory)',
    );
  });
});
