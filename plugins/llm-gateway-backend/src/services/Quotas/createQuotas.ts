import type {
  LoggerService,
  RootLifecycleService,
  LifecycleService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { createClient } from '@redis/client';
import type { GatewayMetrics } from '../Metrics/GatewayMetrics';
import { readQuotaConfig } from './config';
import type { DatabaseUsageStore } from './DatabaseUsageStore';
import { RateLimiterQuotas } from './RateLimiterQuotas';

/**
 * Quotas from `llmGateway.quotas`: Redis when `redis.url` is set, else
 * memory. The backend starts even when Redis is down: until it is
 * reachable, calls are refused (or, with `redis.onUnavailable: memory`,
 * each replica counts in its own memory).
 */
export function createQuotas(options: {
  config: Config;
  logger: LoggerService;
  lifecycle: LifecycleService | RootLifecycleService;
  usageStore?: DatabaseUsageStore;
  metrics?: GatewayMetrics;
}): RateLimiterQuotas {
  const { logger, lifecycle } = options;
  const config = readQuotaConfig(options.config);
  if (!config.redisUrl) {
    logger.info(
      'LLM quotas count in memory: each backend replica counts on its own; set llmGateway.quotas.redis.url to share counts',
    );
    return new RateLimiterQuotas({ ...options, config });
  }

  const redis = createClient({
    url: config.redisUrl,
    // Commands while disconnected fail at once instead of waiting, queued,
    // for a Redis that may not come back.
    disableOfflineQueue: true,
    socket: {
      // Plugins starting together can hold the event loop for seconds.
      connectTimeout: 15_000,
      reconnectStrategy: retries => Math.min(retries * 100, 5000),
    },
  });
  // One line per outage, not one per reconnect attempt.
  let reachable = true;
  redis.on('ready', () => {
    reachable = true;
    logger.info('LLM quotas count in Redis');
  });
  redis.on('error', error => {
    if (reachable) {
      reachable = false;
      logger.warn(
        config.redisUnavailable === 'memory'
          ? 'LLM quotas: Redis is unreachable; counting in memory until it is back'
          : 'LLM quotas: Redis is unreachable; refusing LLM calls until it is back',
        { error: String(error) },
      );
    }
  });
  redis.connect().catch(error => {
    logger.error('LLM quotas: could not connect to Redis', {
      error: String(error),
    });
  });
  lifecycle.addShutdownHook(async () => {
    if (redis.isOpen) {
      await redis.quit();
    }
  });
  return new RateLimiterQuotas({ ...options, config, redis });
}
