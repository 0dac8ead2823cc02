import { randomUUID } from 'node:crypto';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createClient } from '@redis/client';
import { createQuotas } from './createQuotas';

jest.setTimeout(60_000);

const redisUrl = process.env.PILOTHOUSE_TEST_REDIS_URL;

describe('createQuotas', () => {
  it('counts in Redis when llmGateway.quotas.redis.url is set', async () => {
    if (!redisUrl) {
      throw new Error(
        'PILOTHOUSE_TEST_REDIS_URL is not set: this test needs a Redis (scripts/test.sh starts one)',
      );
    }
    const logger = mockServices.logger.mock();
    const shutdownHooks: Array<() => Promise<void> | void> = [];
    const lifecycle = mockServices.lifecycle.mock({
      addShutdownHook: hook => {
        shutdownHooks.push(hook);
      },
    });
    const quotas = createQuotas({
      config: new ConfigReader({
        llmGateway: { quotas: { redis: { url: redisUrl } } },
      }),
      logger,
      lifecycle,
    });
    const ready = () =>
      logger.info.mock.calls.some(([message]) =>
        message.includes('count in Redis'),
      );
    for (let i = 0; i < 100 && !ready(); i++) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    expect(ready()).toBe(true);

    const ref = `user:default/${randomUUID()}`;
    await quotas.admitRequest({ ref, type: 'user', groups: [ref] });

    const reader = createClient({ url: redisUrl });
    await reader.connect();
    try {
      expect(await reader.get(`llm-gateway:quota:rpm:user:${ref}`)).toBe('1');
    } finally {
      await reader.quit();
    }
    await Promise.all(shutdownHooks.map(hook => hook()));
  });

  it('counts in memory without a Redis URL, and says so', () => {
    const logger = mockServices.logger.mock();
    createQuotas({
      config: new ConfigReader({}),
      logger,
      lifecycle: mockServices.lifecycle.mock(),
    });
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(
        /count in memory: each backend replica counts on its own/,
      ),
    );
  });
});
