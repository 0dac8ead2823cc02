import type { HumanDuration } from '@backstage/types';

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
  };
}
