import type { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import type {
  Principal,
  QuotaUsage,
  UsageReportQuery,
  UsageReportRow,
} from '@pilothouse/plugin-llm-gateway-common';
import type { createClient } from '@redis/client';
import {
  RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import type { GatewayMetrics, QuotaLimitName } from '../Metrics/GatewayMetrics';
import type { Quotas, UsageDetails } from '../types';
import type { QuotaConfig, QuotaLimits } from './config';
import type { DatabaseUsageStore, UsageScope } from './DatabaseUsageStore';
import { QuotaExceededError } from './QuotaExceededError';

const DEFAULT_KEY_PREFIX = 'llm-gateway:quota';
const MINUTE = 60;
// Token counters are keyed by UTC day; they only need to outlive it.
const TOKEN_KEY_LIFETIME = 2 * 24 * 60 * 60;

type Scope = QuotaUsage['scope'];

export type QuotaRedisClient = ReturnType<typeof createClient>;

interface Bucket {
  scope: Scope;
  subject: string;
  limits: QuotaLimits;
}

function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

function secondsUntilNextUtcDay(now: Date): number {
  const next = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate() + 1,
  );
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

function describe(bucket: Bucket): string {
  return `${bucket.scope} ${bucket.subject}`;
}

/**
 * Quotas on rate-limiter-flexible: counters in Redis when a URL is
 * configured (shared by every replica, atomic increments), else in this
 * process's memory (one laptop). If Redis fails, calls are refused with a
 * 503 until it is back, or (`redis.onUnavailable: memory`) each replica
 * counts in its own memory meanwhile.
 */
export class RateLimiterQuotas implements Quotas {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  private readonly knownSubjects = new Set<string>();
  private readonly keyPrefix: string;

  constructor(
    private readonly options: {
      config: QuotaConfig;
      logger: LoggerService;
      redis?: QuotaRedisClient;
      usageStore?: DatabaseUsageStore;
      metrics?: GatewayMetrics;
      /** Prefix of the Redis keys; tests use their own. */
      keyPrefix?: string;
      /** For tests: the clock that decides the UTC day. */
      now?: () => Date;
    },
  ) {
    this.keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  }

  async admitRequest(principal: Principal): Promise<void> {
    if (!this.options.config.enabled) {
      return;
    }
    await this.checkTokens(principal);
    const buckets = this.buckets(principal);
    await this.remember(buckets);

    // User first, then teams: a request the user's own limit refuses never
    // reaches a team's count, and counts taken before a refusal are given
    // back, so a refused request uses up nobody's budget.
    const taken: Bucket[] = [];
    for (const bucket of buckets) {
      const limiter = this.limiter('rpm', bucket.limits.requestsPerMinute);
      try {
        await limiter.consume(this.key(bucket));
        taken.push(bucket);
      } catch (error) {
        // allSettled: with Redis gone, giving back fails too; the first
        // error is the one to report.
        await Promise.allSettled(
          taken.map(b =>
            this.limiter('rpm', b.limits.requestsPerMinute).reward(this.key(b)),
          ),
        );
        if (error instanceof RateLimiterRes) {
          throw this.refuse(
            bucket,
            'requestsPerMinute',
            `${describe(bucket)} may make ${
              bucket.limits.requestsPerMinute
            } requests per minute`,
            Math.max(1, Math.ceil(error.msBeforeNext / 1000)),
          );
        }
        throw this.unavailable(error);
      }
    }
  }

  async checkTokens(principal: Principal): Promise<void> {
    if (!this.options.config.enabled) {
      return;
    }
    const now = this.now();
    for (const bucket of this.buckets(principal)) {
      const limit = bucket.limits.tokensPerDay;
      const res = await this.limiter('tpd', limit)
        .get(this.key(bucket, utcDay(now)))
        .catch(error => {
          throw this.unavailable(error);
        });
      if ((res?.consumedPoints ?? 0) >= limit) {
        throw this.refuse(
          bucket,
          'tokensPerDay',
          `${describe(bucket)} has used its ${limit} tokens for today (UTC)`,
          secondsUntilNextUtcDay(now),
        );
      }
    }
  }

  async recordTokens(
    principal: Principal,
    tokens: number,
    details: UsageDetails = {},
  ): Promise<void> {
    const count = Math.max(0, Math.round(tokens));
    const day = utcDay(this.now());
    const buckets = this.buckets(principal);
    if (this.options.config.enabled && count > 0) {
      await this.remember(buckets);
      // A penalty adds without refusing: the call has already happened.
      try {
        await Promise.all(
          buckets.map(bucket =>
            this.limiter('tpd', bucket.limits.tokensPerDay).penalty(
              this.key(bucket, day),
              count,
            ),
          ),
        );
      } catch (error) {
        // The answer is already on its way: its tokens go uncounted
        // rather than the call failing after the fact.
        this.options.logger.warn('could not count LLM tokens', {
          subject: principal.ref,
          tokens: count,
          error: String(error),
        });
      }
    }
    if (this.options.usageStore) {
      const subjects: Array<{ scope: UsageScope; subject: string }> =
        buckets.map(({ scope, subject }) => ({ scope, subject }));
      if (details.entityRef) {
        subjects.push({ scope: 'entity', subject: details.entityRef });
      }
      try {
        await this.options.usageStore.record(
          day,
          subjects,
          count,
          details.costUsd ?? 0,
        );
      } catch (error) {
        // The answer is already on its way; losing a report row is the
        // smaller harm than failing the call.
        this.options.logger.error('could not record LLM usage', {
          subject: principal.ref,
          error: String(error),
        });
      }
    }
  }

  async usage(): Promise<QuotaUsage[]> {
    const subjects = new Set(await this.subjects());
    const day = utcDay(this.now());
    const result: QuotaUsage[] = [];
    for (const entry of subjects) {
      const [scope, subject] = entry.split(' ', 2) as [Scope, string];
      const bucket = { scope, subject, limits: this.limitsFor(scope, subject) };
      const { requestsPerMinute: rpm, tokensPerDay: tpd } = bucket.limits;
      const [requests, tokens] = await Promise.all([
        this.limiter('rpm', rpm).get(this.key(bucket)),
        this.limiter('tpd', tpd).get(this.key(bucket, day)),
      ]).catch(error => {
        throw this.unavailable(error);
      });
      result.push({
        subject,
        scope,
        // Refused requests count past the limit; show what was admitted.
        requestsPerMinute: {
          used: Math.min(requests?.consumedPoints ?? 0, rpm),
          limit: rpm,
        },
        tokensPerDay: { used: tokens?.consumedPoints ?? 0, limit: tpd },
      });
    }
    return result.sort(
      (a, b) =>
        a.scope.localeCompare(b.scope) || a.subject.localeCompare(b.subject),
    );
  }

  async usageReport(query: UsageReportQuery): Promise<UsageReportRow[]> {
    return this.options.usageStore?.report(query) ?? [];
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private buckets(principal: Principal): Bucket[] {
    const scope: Scope = principal.type === 'service' ? 'service' : 'user';
    const own: Bucket = {
      scope,
      subject: principal.ref,
      limits: this.limitsFor(scope, principal.ref),
    };
    const teams = [...new Set(principal.groups)]
      .filter(ref => ref !== principal.ref)
      .sort()
      .map(ref => ({
        scope: 'team' as const,
        subject: ref,
        limits: this.limitsFor('team', ref),
      }));
    return [own, ...teams];
  }

  private limitsFor(scope: Scope, subject: string): QuotaLimits {
    const { defaults, overrides } = this.options.config;
    return {
      ...(scope === 'team' ? defaults.team : defaults.user),
      ...overrides.get(subject),
    };
  }

  private key(bucket: Bucket, day?: string): string {
    const base = `${bucket.scope}:${bucket.subject}`;
    return day ? `${base}:${day}` : base;
  }

  /** One limiter per kind and limit: rate-limiter-flexible has one limit each. */
  private limiter(kind: 'rpm' | 'tpd', points: number): RateLimiterAbstract {
    const id = `${kind}:${points}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      const options = {
        keyPrefix: `${this.keyPrefix}:${kind}`,
        points,
        duration: kind === 'rpm' ? MINUTE : TOKEN_KEY_LIFETIME,
      };
      const { redis, config } = this.options;
      limiter = redis
        ? new RateLimiterRedis({
            ...options,
            storeClient: redis,
            useRedisPackage: true,
            // Refuse or fail over at once instead of queueing behind a lost
            // connection.
            rejectIfRedisNotReady: true,
            insuranceLimiter:
              config.redisUnavailable === 'memory'
                ? new RateLimiterMemory(options)
                : undefined,
          })
        : new RateLimiterMemory(options);
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  /** A counter store failure (Redis unreachable) as a clear 503. */
  private unavailable(error: unknown): ServiceUnavailableError {
    return new ServiceUnavailableError(
      `LLM quotas cannot be checked (${
        (error as Error)?.message ?? String(error)
      }); calls are refused until the quota store is back`,
    );
  }

  private refuse(
    bucket: Bucket,
    limit: QuotaLimitName,
    what: string,
    retryAfterSeconds: number,
  ): QuotaExceededError {
    this.options.metrics?.recordQuotaRejection(bucket.scope, limit);
    return new QuotaExceededError(
      `Quota exceeded: ${what}; try again in ${retryAfterSeconds} s`,
      retryAfterSeconds,
    );
  }

  /** Subjects seen, so that `usage()` can list them (and configured ones). */
  private async remember(buckets: Bucket[]): Promise<void> {
    const fresh = buckets
      .map(b => `${b.scope} ${b.subject}`)
      .filter(entry => !this.knownSubjects.has(entry));
    if (fresh.length === 0) {
      return;
    }
    fresh.forEach(entry => this.knownSubjects.add(entry));
    const { redis, logger } = this.options;
    if (redis) {
      try {
        await redis.sAdd(`${this.keyPrefix}:subjects`, fresh);
      } catch (error) {
        fresh.forEach(entry => this.knownSubjects.delete(entry));
        logger.warn('could not record quota subjects in Redis', {
          error: String(error),
        });
      }
    }
  }

  private async subjects(): Promise<string[]> {
    const configured = [...this.options.config.overrides.keys()].map(ref => {
      if (ref.startsWith('group:')) return `team ${ref}`;
      return ref.startsWith('user:') ? `user ${ref}` : `service ${ref}`;
    });
    const { redis, logger } = this.options;
    let shared: string[] = [];
    if (redis) {
      try {
        shared = await redis.sMembers(`${this.keyPrefix}:subjects`);
      } catch (error) {
        logger.warn('could not read quota subjects from Redis', {
          error: String(error),
        });
      }
    }
    return [...configured, ...this.knownSubjects, ...shared];
  }
}
