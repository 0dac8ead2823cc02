export interface Config {
  /** The LLM security gateway (plugins/llm-gateway-backend). */
  llmGateway?: {
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
      /** Model calls running at once; as many more wait, the rest get 503. Default 64. */
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
