import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** SLOs: OpenSLO entities in the catalog evaluated against Prometheus (plugins/slo-backend). */
  slo?: {
    prometheus?: {
      /**
       * Base URL of the Prometheus the SLOs' queries run on (its HTTP API is
       * at `<baseUrl>/api/v1`). Unset: SLOs are listed as not evaluated,
       * saying why.
       * @visibility backend
       */
      baseUrl?: string;
      /**
       * Headers sent with every query, e.g. `Authorization` for a Prometheus
       * behind an authenticating proxy.
       * @visibility secret
       */
      headers?: { [name: string]: string };
      /** Timeout of one query in seconds. Default 15. */
      timeoutSeconds?: number;
    };
    evaluation?: {
      /**
       * How often every SLO is evaluated. Default: every 60 seconds, 5 seconds
       * after start, at most 5 minutes per run.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
