import type { HumanDuration } from '@backstage/types';
import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** The LLM security gateway (plugins/llm-gateway-backend). */
  llmGateway?: {
    /** Who may use which model and tool with which data (README, "Policy"). */
    policy?: {
      /**
       * Folder of policy files (`<name>.yaml`) loaded into the policy store
       * at start. Relative paths resolve from the backend's working
       * directory. Default: `../../policies/gateway`, the repository's
       * policies when the backend runs from packages/backend.
       */
      directory?: string;
      /**
       * Data class of an entity without the `pilothouse.io/data-classification`
       * annotation, and of requests that concern no entity. Default: internal.
       */
      defaultDataClass?: 'public' | 'internal' | 'confidential' | 'restricted';
      /**
       * How often each replica checks the store for policy versions saved
       * through another replica; a save is in force at once on the replica
       * that took it. Default: 10 seconds.
       */
      refreshInterval?: HumanDuration | string;
    };
    /** Inspection of every text crossing the gateway: PII, secrets, DLP rules. */
    inspection?: {
      /**
       * Key for the `hash` action's HMAC (`[EMAIL:ab12cd34]`). Without it, a
       * random per-install key kept in the plugin's database is used.
       * @visibility secret
       */
      hashKey?: string;
      /** The vault behind `redact` placeholders, restorable per conversation. */
      vault?: {
        /**
         * Secret from which the AES-256-GCM key for stored values is derived.
         * Without it, the per-install key in the database is used; set it in
         * production so a database dump alone reveals nothing.
         * @visibility secret
         */
        encryptionKey?: string;
        /**
         * How long a placeholder stays restorable after its last use, e.g.
         * `{ hours: 24 }` (the default) or an ISO 8601 duration `PT24H`.
         */
        ttl?: HumanDuration | string;
      };
      /**
       * Region assumed for phone numbers written without a country code
       * (ISO 3166-1 alpha-2). Default `US`.
       */
      phoneRegion?: string;
      /**
       * How often settings changed by an admin on another replica are read
       * again. Default 30 seconds.
       */
      settingsRefresh?: HumanDuration | string;
      /**
       * Changes to the built-in detectors' defaults, per type (`SECRET`,
       * `EMAIL`, `PHONE`, `US_SSN`, `CREDIT_CARD`, `IBAN`, `IP_ADDRESS`,
       * `PERSON`, `ADDRESS`). Changes an admin makes in the page win.
       */
      detectors?: {
        [type: string]: {
          /** Whether the detector runs at all. */
          enabled?: boolean;
          /** Action on text towards a model or tool: allow, mask, redact, hash or block. */
          input?: 'allow' | 'mask' | 'redact' | 'hash' | 'block';
          /** Action on model output and tool results. */
          output?: 'allow' | 'mask' | 'redact' | 'hash' | 'block';
          /** Findings below this confidence (0 to 1) are ignored. */
          minConfidence?: number;
        };
      };
      /**
       * Custom DLP rules, put in the database on the first start; afterwards
       * they are edited in the admin page (or `PUT /v1/rules`).
       */
      rules?: Array<{
        /** Upper-case name, which becomes the finding type, e.g. PROJECT_CODENAME. */
        name: string;
        description?: string;
        /** A JavaScript regular expression (flags `gu`, plus `i` with caseInsensitive). */
        pattern?: string;
        caseInsensitive?: boolean;
        /** Or: words and phrases matched as whole words, case-insensitively. */
        dictionary?: string[];
        /** public, internal, confidential or restricted. */
        dataClass: 'public' | 'internal' | 'confidential' | 'restricted';
        actions: {
          input: 'allow' | 'mask' | 'redact' | 'hash' | 'block';
          output: 'allow' | 'mask' | 'redact' | 'hash' | 'block';
        };
      }>;
    };
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
