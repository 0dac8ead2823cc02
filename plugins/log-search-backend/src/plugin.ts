import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  actionsRegistryServiceRef,
  metricsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  LogEventProcessor,
  logSearchProcessingExtensionPoint,
} from '@pilothouse/plugin-log-search-node';
import { registerLogSearchActions } from './actions';
import { createRouter } from './router';
import {
  auditRecordToEvent,
  GATEWAY_AUDIT_TOPIC,
} from './services/auditEvents';
import { CatalogEntityMapper } from './services/EntityMapper';
import { openGeoIp } from './services/GeoIp';
import { IngestPipeline } from './services/IngestPipeline';
import { LiveTail } from './services/LiveTail';
import { LogSearchService } from './services/LogSearchService';
import { SavedSearchStore } from './services/SavedSearchStore';
import { createLogStore, migrate } from './stores/createLogStore';
import { DatabaseLogStore } from './stores/embedded/DatabaseLogStore';

const DAY_MS = 86_400_000;
const MIB = 1024 * 1024;

/**
 * Log search: ingest (JSON lines, OTLP/HTTP, the gateway's audit), the
 * configured store, search, histograms, live tail, saved searches, and the
 * `search-logs` action. Modules add batch processors (detections) through
 * `logSearchProcessingExtensionPoint`. Served at /api/log-search.
 */
export const logSearchPlugin = createBackendPlugin({
  pluginId: 'log-search',
  register(env) {
    const processors: LogEventProcessor[] = [];
    env.registerExtensionPoint(logSearchProcessingExtensionPoint, {
      addProcessor(processor) {
        processors.push(processor);
      },
    });

    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        lifecycle: coreServices.lifecycle,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
        metrics: metricsServiceRef,
      },
      async init(deps) {
        const { logger, config, database } = deps;
        const knex = await database.getClient();
        await migrate(knex, database);

        const store = await createLogStore({ config, knex, logger });
        const tail = new LiveTail();
        const pipeline = new IngestPipeline({
          store,
          tail,
          processors,
          entities: new CatalogEntityMapper(deps.catalog, deps.auth, logger),
          geoIp: await openGeoIp(
            config.getOptionalString('logSearch.geoip.databasePath'),
            logger,
          ),
          logger,
          metrics: deps.metrics,
        });
        const search = new LogSearchService(store, pipeline, tail);
        logger.info('log search store', {
          store: store.kind,
          processors: processors.map(p => p.id).join(', ') || 'none',
        });

        if (store instanceof DatabaseLogStore) {
          const maxAgeDays =
            config.getOptionalNumber('logSearch.retention.maxAgeDays') ?? 7;
          const maxSizeMb =
            config.getOptionalNumber('logSearch.retention.maxSizeMb') ?? 1024;
          await deps.scheduler.scheduleTask({
            id: 'log-search-retention',
            frequency: {
              minutes:
                config.getOptionalNumber(
                  'logSearch.retention.intervalMinutes',
                ) ?? 10,
            },
            timeout: { minutes: 10 },
            initialDelay: { seconds: 30 },
            fn: async () => {
              await store.retain({
                maxAgeMs: maxAgeDays * DAY_MS,
                maxBytes: maxSizeMb * MIB,
              });
            },
          });
        }

        if (!store.readOnly) {
          // The gateway's audit (the assistant's and outside clients' model
          // and tool calls, approvals, policy changes) as `audit` events.
          await deps.events.subscribe({
            id: 'gateway-audit',
            topics: [GATEWAY_AUDIT_TOPIC],
            onEvent: async ({ eventPayload }) => {
              const event = auditRecordToEvent(eventPayload);
              if (!event) return;
              await pipeline.store(await pipeline.enrich([event]));
            },
          });
        }

        registerLogSearchActions({
          actionsRegistry: deps.actionsRegistry,
          permissions: deps.permissions,
          search,
        });

        deps.httpRouter.use(
          await createRouter({
            logger,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            lifecycle: deps.lifecycle,
            search,
            savedSearches: new SavedSearchStore(knex),
            maxBodyBytes:
              config.getOptionalNumber('logSearch.ingest.maxBodyBytes') ??
              5 * MIB,
          }),
        );
      },
    });
  },
});
