import { createClient } from '@redis/client';
import request from 'supertest';
import { startCluster, TestCluster } from './__testUtils__/cluster';
import { bearer, Portal, startPortal } from './__testUtils__/portal';
import {
  eventually,
  startRedis,
  ThrowawayRedis,
} from './__testUtils__/servers';

const LIMIT = 5;

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster();
}, 60_000);

afterAll(async () => {
  await cluster?.close();
}, 60_000);

describe.each([
  {
    mode: 'refuse',
    onUnavailable: undefined,
    // Fail-closed: refused at once with a clear reason, not a 500 or a hang.
    duringOutage: [503, 503, 503],
    lastMessage:
      /LLM quotas cannot be checked .*refused until the quota store is back/,
  },
  {
    mode: 'memory',
    onUnavailable: 'memory',
    // Fail-open to this replica's memory: the limit still holds here.
    duringOutage: [...Array(LIMIT).fill(200), 429],
    lastMessage: /Quota exceeded: user user:default\/bob may make 5 requests/,
  },
])(
  'Redis stopped under the quotas (onUnavailable: $mode)',
  ({ mode, onUnavailable, duringOutage, lastMessage }) => {
    let redis: ThrowawayRedis;
    let portal: Portal;

    beforeAll(async () => {
      redis = await startRedis();
      portal = await startPortal({
        kubeconfigPath: cluster.kubeconfigPath,
        llmGateway: {
          quotas: {
            redis: { url: redis.url, onUnavailable },
            defaults: { user: { requestsPerMinute: LIMIT } },
          },
        },
      });
    }, 120_000);

    afterAll(async () => {
      await portal?.stop();
      await redis?.destroy();
    }, 60_000);

    const complete = (user: string) =>
      request(portal.server)
        .post('/api/llm-gateway/v1/complete')
        .set('authorization', bearer(user))
        .send({
          messages: [{ role: 'user', content: 'What is Pilothouse?' }],
        });

    let lastError: string | undefined;

    /** Status codes of `count` calls, made one after another. */
    async function statuses(user: string, count: number) {
      const result: number[] = [];
      for (let i = 0; i < count; i++) {
        const res = await complete(user);
        result.push(res.status);
        lastError = res.body.error?.message;
      }
      return result;
    }

    /** The quota counters Redis holds for a user. */
    async function redisKeys(user: string): Promise<string[]> {
      const client = createClient({ url: redis.url });
      await client.connect();
      try {
        return await client.keys(`*user:default/${user}*`);
      } finally {
        await client.quit();
      }
    }

    it(`degrades as configured (${mode}) and recovers when Redis returns`, async () => {
      await eventually('the gateway never reached Redis', async () => {
        expect((await complete('frank')).status).toBe(200);
      });
      // Counted in Redis: the sixth call in a minute is refused.
      expect(await statuses('alice', LIMIT + 1)).toEqual([
        ...Array(LIMIT).fill(200),
        429,
      ]);
      expect(await redisKeys('alice')).not.toEqual([]);

      await redis.stop();
      expect(await statuses('bob', duringOutage.length)).toEqual(duringOutage);
      expect(lastError).toMatch(lastMessage);

      await redis.start();
      // Redis came back empty; the client reconnects on its own, and counts
      // go to Redis again.
      await eventually(
        'the gateway did not count in Redis again',
        async () => {
          expect((await complete('carol')).status).toBe(200);
          expect(await redisKeys('carol')).not.toEqual([]);
        },
        30_000,
      );
      expect(await statuses('erin', LIMIT + 1)).toEqual([
        ...Array(LIMIT).fill(200),
        429,
      ]);
      expect(await redisKeys('erin')).not.toEqual([]);
    }, 120_000);
  },
);
