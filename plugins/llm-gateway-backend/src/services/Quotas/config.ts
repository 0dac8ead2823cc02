import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { z } from 'zod';

export interface QuotaLimits {
  requestsPerMinute: number;
  tokensPerDay: number;
}

export interface QuotaConfig {
  enabled: boolean;
  /** Redis for counters shared by every replica; memory when absent. */
  redisUrl?: string;
  /**
   * While Redis is unreachable: `refuse` every call (503, the default: no
   * replica can overspend a shared quota) or count in each replica's
   * `memory` until it is back.
   */
  redisUnavailable: 'refuse' | 'memory';
  defaults: { user: QuotaLimits; team: QuotaLimits };
  /** Limits for particular users, teams or services, by entity ref. */
  overrides: Map<string, Partial<QuotaLimits>>;
}

export const DEFAULT_LIMITS = {
  user: { requestsPerMinute: 60, tokensPerDay: 200_000 },
  team: { requestsPerMinute: 600, tokensPerDay: 2_000_000 },
};

// Numbers may come from environment substitution as strings.
const limit = z.preprocess(
  v => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v),
  z.number().int().nonnegative(),
);
const limitsSchema = z
  .object({ requestsPerMinute: limit, tokensPerDay: limit })
  .strict()
  .partial();

const quotasSchema = z
  .object({
    enabled: z.boolean().optional(),
    redis: z
      .object({
        url: z
          .string({
            required_error:
              'is not set (set it, or remove llmGateway.quotas.redis to count in memory)',
          })
          .min(1),
        onUnavailable: z.enum(['refuse', 'memory']).optional(),
      })
      .strict()
      .optional(),
    defaults: z
      .object({ user: limitsSchema.optional(), team: limitsSchema.optional() })
      .strict()
      .optional(),
    overrides: z
      .array(limitsSchema.extend({ subject: z.string().min(1) }).strict())
      .optional(),
  })
  .strict();

/** Reads `llmGateway.quotas`; InputError naming the key that is wrong. */
export function readQuotaConfig(config: Config): QuotaConfig {
  const raw = config.getOptional('llmGateway.quotas') ?? {};
  const parsed = quotasSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `Invalid llmGateway.quotas.${issue.path.join('.')}: ${issue.message}`,
    );
  }
  const value = parsed.data;
  const overrides = new Map<string, Partial<QuotaLimits>>();
  for (const { subject, ...limits } of value.overrides ?? []) {
    overrides.set(subject, limits);
  }
  return {
    enabled: value.enabled ?? true,
    redisUrl: value.redis?.url,
    redisUnavailable: value.redis?.onUnavailable ?? 'refuse',
    defaults: {
      user: { ...DEFAULT_LIMITS.user, ...value.defaults?.user },
      team: { ...DEFAULT_LIMITS.team, ...value.defaults?.team },
    },
    overrides,
  };
}
