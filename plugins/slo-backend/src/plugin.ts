import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  actionsRegistryServiceRef,
  metricsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { registerSloActions } from './actions';
import { DatabaseSloStore } from './database/DatabaseSloStore';
import { applyMigrations } from './database/migrations';
import { createRouter } from './router';
import { SloEvaluator } from './services/Evaluation/SloEvaluator';
import { SloService } from './services/Evaluation/SloService';
import {
  PrometheusApi,
  PrometheusClient,
  PrometheusError,
} from './services/Prometheus/PrometheusClient';
import { SloEntities } from './services/SloEntities/SloEntities';

const SCHEDULE_KEY = 'slo.evaluation.schedule';

/** A Prometheus that is not configured: every query says so. */
const NO_PROMETHEUS: PrometheusApi = {
  async query() {
    throw new PrometheusError(
      'no Prometheus is configured (slo.prometheus.baseUrl)',
      true,
    );
  },
  async queryRange() {
    throw new PrometheusError(
      'no Prometheus is configured (slo.prometheus.baseUrl)',
      true,
    );
  },
};

function readPrometheus(config: RootConfigService): {
  api: PrometheusApi;
  url: string;
} {
  const baseUrl = config.getOptionalString('slo.prometheus.baseUrl');
  if (!baseUrl) return { api: NO_PROMETHEUS, url: '(none)' };
  const headers = config.getOptionalConfig('slo.prometheus.headers');
  return {
    url: baseUrl,
    api: new PrometheusClient({
      baseUrl,
      timeoutMs:
        (config.getOptionalNumber('slo.prometheus.timeoutSeconds') ?? 15) *
        1000,
      headers: headers
        ? Object.fromEntries(headers.keys().map(k => [k, headers.getString(k)]))
        : undefined,
    }),
  };
}

/**
 * SLOs at /api/slo: evaluates every SLO entity against Prometheus on a
 * schedule, keeps the last evaluation in the plugin's database, and answers
 * the SLO pages, the gateway's status question and the `slo:*` actions.
 */
export const sloPlugin = createBackendPlugin({
  pluginId: 'slo',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
        metrics: metricsServiceRef,
      },
      async init({
        logger,
        config,
        auth,
        httpAuth,
        httpRouter,
        database,
        scheduler,
        catalog,
        actionsRegistry,
        metrics,
      }) {
        const knex = await database.getClient();
        await applyMigrations(knex, database);
        const prometheus = readPrometheus(config);
        const slos = new SloService({
          entities: new SloEntities(catalog),
          evaluator: new SloEvaluator({ prometheus: prometheus.api }),
          store: DatabaseSloStore.create({ knex }),
          auth,
          logger,
          metrics,
        });
        logger.info('SLOs are evaluated against Prometheus', {
          prometheus: prometheus.url,
        });

        const schedule = config.has(SCHEDULE_KEY)
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              config.getConfig(SCHEDULE_KEY),
            )
          : {
              frequency: { seconds: 60 },
              timeout: { minutes: 5 },
              initialDelay: { seconds: 5 },
            };
        await scheduler.scheduleTask({
          id: 'slo-evaluation',
          ...schedule,
          fn: async () => {
            await slos.evaluateAll();
          },
        });

        registerSloActions(actionsRegistry, slos);
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        httpRouter.use(await createRouter({ logger, httpAuth, slos }));
      },
    });
  },
});
