import type { HumanDuration } from '@backstage/types';

export interface Config {
  logSearch?: {
    detections?: {
      /** Run Sigma rules, correlations and anomalies on ingested logs. Default: true. */
      enabled?: boolean;
      /**
       * Rule packs: directories searched recursively for Sigma YAML
       * (`.yml`, `.yaml`), relative to the backend's working directory
       * (packages/backend). A directory that is not there is logged and
       * listed with no rules. Default: the repository's AI traffic pack,
       * `../../policies/detections/ai-traffic`.
       */
      rulePaths?: Array<{
        /** Names the pack in `/v1/rules`. Default: the directory's name. */
        pack?: string;
        path: string;
      }>;
      /** Rule ids or names that are loaded but not run. */
      disabledRules?: string[];
      /**
       * A match joins an unresolved detection of the same rule and group
       * last seen within this time. Default: 1 hour.
       */
      groupWindow?: HumanDuration;
      /** Events kept with each detection, newest first. Default: 20. */
      maxEventsPerDetection?: number;
      /** Matches kept per correlation window; the oldest go first. Default: 10000. */
      maxWindowEntries?: number;
      anomalies?: {
        /** Judge per-service volume and error rate on a schedule. Default: true. */
        enabled?: boolean;
        /** Length of each judged interval, in minutes. Default: 10. */
        intervalMinutes?: number;
        /** Weeks of history per hour-of-week bucket. Default: 4. */
        weeks?: number;
        /** Robust z-score beyond which a value breaks its baseline. Default: 3.5. */
        threshold?: number;
        /** Fewer baseline samples than this: no judgement. Default: 6. */
        minSamples?: number;
        /** Events in an interval needed to judge its error rate. Default: 20. */
        minVolume?: number;
      };
    };
    alerts?: {
      /**
       * Where new detections go. Each route takes the detections whose level
       * and rule id match (all when not set) and sends at most
       * `rateLimit.max` per rule in `rateLimit.per`.
       */
      routes?: Array<{
        name?: string;
        /** `notifications` (Backstage, to the entity's owner), `slack`, `pagerduty` or `opsgenie`. */
        type: 'notifications' | 'slack' | 'pagerduty' | 'opsgenie';
        /**
         * Webhook address (Slack incoming webhook; PagerDuty Events v2 and
         * Opsgenie Alert API default to their public endpoints).
         * @visibility secret
         */
        url?: string;
        /**
         * PagerDuty Events v2 integration key.
         * @visibility secret
         */
        routingKey?: string;
        /**
         * Opsgenie API key.
         * @visibility secret
         */
        apiKey?: string;
        /** Detection levels this route takes. */
        levels?: Array<
          'informational' | 'low' | 'medium' | 'high' | 'critical'
        >;
        /** Rule ids this route takes; `*` matches any text (`anomaly.*`). */
        rules?: string[];
        /** Notifications: entity refs told when a detection has no owned entity. */
        recipients?: string[];
        rateLimit?: {
          /** Default: 10. */
          max?: number;
          /** Default: 1 hour. */
          per?: HumanDuration;
        };
      }>;
    };
  };
}
