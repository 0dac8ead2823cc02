import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** The LLM security gateway (plugins/llm-gateway-backend). */
  llmGateway?: {
    /**
     * Requests per minute and tokens per day (UTC), per user and per team
     * (the user's groups). A request must fit every one of its limits.
     */
    quotas?: {
      /** Set false to admit every request (usage is still recorded). Default true. */
      enabled?: boolean;
      /**
       * Counters in Redis, shared by every backend replica. Without it the
       * counters live in each process's memory (fine for one laptop).
       */
      redis?: {
        /**
         * For example redis://:password@redis:6379/0 (rediss:// for TLS).
         * @visibility secret
         */
        url: string;
      };
      /** Limits for everyone without an override. */
      defaults?: {
        /** Per user (and per service calling with its own credentials). Default 60 and 200000. */
        user?: {
          requestsPerMinute?: number;
          tokensPerDay?: number;
        };
        /** Per team, shared by its members. Default 600 and 2000000. */
        team?: {
          requestsPerMinute?: number;
          tokensPerDay?: number;
        };
      };
      /** Limits for particular users or teams; unset fields keep the default. */
      overrides?: Array<{
        /** An entity ref: user:default/alice or group:default/platform. */
        subject: string;
        requestsPerMinute?: number;
        tokensPerDay?: number;
      }>;
    };
    /** The tamper-evident audit log. */
    audit?: {
      /**
       * How often the whole hash chain is verified. Default every hour,
       * first one minute after start.
       */
      verifySchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
