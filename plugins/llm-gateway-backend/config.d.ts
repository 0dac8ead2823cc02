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
      /**
       * Whether policy reads if an entity's SLO burns its error budget fast
       * (`request.entity.sloBurning`, from the SLO backend's
       * /api/slo/v1/status, cached 30 seconds; an unreadable status counts
       * as burning). Needs the SLO backend; default false.
       */
      sloStatus?: boolean;
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
        /**
         * While Redis is unreachable: 'refuse' answers every call with 503
         * until it is back (no replica can overspend a shared quota);
         * 'memory' counts in each replica's memory meanwhile (each replica
         * then admits up to the full limit). Default 'refuse'.
         */
        onUnavailable?: 'refuse' | 'memory';
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
    /**
     * Model providers. Default: only the local model (`type: local`), which
     * works offline. Requests go to the cheapest provider that may receive
     * their data class, falling back to the next on failure.
     */
    providers?: Array<{
      /** Unique id, shown in routing decisions, audit records and health. */
      id: string;
      /** `local` (the built-in offline model), `anthropic`, or `openai` (any OpenAI-compatible API: vLLM, Ollama, LiteLLM, Azure). */
      type: 'local' | 'anthropic' | 'openai';
      /** The API's base URL. Required for `openai` (e.g. http://vllm:8000/v1); Anthropic's own by default. */
      baseUrl?: string;
      /**
       * API key sent to the provider.
       * @visibility secret
       */
      apiKey?: string;
      /** Models served, with prices in US dollars per million tokens (routing prefers the cheapest). */
      models?: Array<{
        name: string;
        /** Default 0. */
        inputUsdPerMTok?: number;
        /** Default 0. */
        outputUsdPerMTok?: number;
      }>;
      /** Most sensitive data class it may receive. Default `restricted` for local providers, `internal` otherwise. */
      maxDataClass?: 'public' | 'internal' | 'confidential' | 'restricted';
      /** Runs on this machine or inside the organisation's network. Default true for `type: local`, else false. */
      local?: boolean;
      /** How long to wait for an answer (for streams: between two events), in ms. Default 60000. */
      timeoutMs?: number;
    }>;
    routing?: {
      /** Data class of a request that names no catalog entity. Default `internal`. */
      defaultDataClass?: 'public' | 'internal' | 'confidential' | 'restricted';
      /** `max_tokens` when the caller sets none. Default 1024. */
      defaultMaxTokens?: number;
      /**
       * Model calls running at once per replica; as many more wait, the rest
       * get 503. Default 256: a call mostly waits on its provider (a stream
       * lasts seconds to minutes), so the bound is there to shed a flood, not
       * to ration ordinary use.
       */
      maxConcurrentCalls?: number;
      /** Per-provider circuit breaker. */
      breaker?: {
        /** Consecutive failures after which a provider is skipped. Default 3. */
        consecutiveFailures?: number;
        /** How long a skipped provider rests before one trial call, in ms. Default 30000. */
        halfOpenAfterMs?: number;
      };
    };
    approvals?: {
      /** An approval not used within this many minutes expires. Default 60. */
      ttlMinutes?: number;
      /**
       * Members of these groups may approve other people's tool calls (never
       * their own). Default group:default/platform-admins and group:default/sre.
       */
      approverGroups?: string[];
    };
    /** Larger request bodies are refused with 413. Default 1048576 (1 MiB). */
    maxBodyBytes?: number;
  };
}
