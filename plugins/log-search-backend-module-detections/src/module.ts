import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  actionsRegistryServiceRef,
  metricsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { readDurationFromConfig } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { durationToMilliseconds } from '@backstage/types';
import { logSearchDetectionPermissions } from '@pilothouse/plugin-log-search-common';
import { logSearchProcessingExtensionPoint } from '@pilothouse/plugin-log-search-node';
import path from 'node:path';
import { registerDetectionActions } from './actions';
import { DatabaseDetectionStore } from './database/DatabaseDetectionStore';
import { createDetectionsRouter } from './router';
import {
  AlertRouter,
  readAlertRoutes,
} from './services/AlertRouter/AlertRouter';
import { AnomalyDetector } from './services/Anomalies/AnomalyDetector';
import {
  AnomalyOptions,
  DEFAULT_ANOMALY_OPTIONS,
} from './services/Anomalies/baselines';
import {
  DetectionEngine,
  DetectionSettings,
} from './services/DetectionEngine/DetectionEngine';
import { loadRulePack, RulePackSource } from './sigma/loadPacks';

/** The repository's own pack, relative to packages/backend (the backend's working directory). */
export const DEFAULT_RULE_PATHS: RulePackSource[] = [
  { name: 'ai-traffic', path: '../../policies/detections/ai-traffic' },
];

export function readRulePaths(config: Config): RulePackSource[] {
  const entries = config.getOptionalConfigArray(
    'logSearch.detections.rulePaths',
  );
  if (!entries) return DEFAULT_RULE_PATHS;
  return entries.map(entry => {
    const p = entry.getString('path');
    return {
      name: entry.getOptionalString('pack') ?? path.basename(p),
      path: p,
    };
  });
}

export function readDetectionSettings(config: Config): DetectionSettings {
  const c = config.getOptionalConfig('logSearch.detections');
  return {
    groupWindowMs: c?.has('groupWindow')
      ? durationToMilliseconds(
          readDurationFromConfig(c, { key: 'groupWindow' }),
        )
      : 3_600_000,
    maxEventsPerDetection: c?.getOptionalNumber('maxEventsPerDetection') ?? 20,
    maxWindowEntries: c?.getOptionalNumber('maxWindowEntries') ?? 10_000,
    disabledRules: c?.getOptionalStringArray('disabledRules') ?? [],
  };
}

export function readAnomalyOptions(
  config: Config,
): AnomalyOptions & { enabled: boolean } {
  const c = config.getOptionalConfig('logSearch.detections.anomalies');
  const d = DEFAULT_ANOMALY_OPTIONS;
  return {
    enabled: c?.getOptionalBoolean('enabled') ?? true,
    intervalMinutes:
      c?.getOptionalNumber('intervalMinutes') ?? d.intervalMinutes,
    weeks: c?.getOptionalNumber('weeks') ?? d.weeks,
    threshold: c?.getOptionalNumber('threshold') ?? d.threshold,
    minSamples: c?.getOptionalNumber('minSamples') ?? d.minSamples,
    minVolume: c?.getOptionalNumber('minVolume') ?? d.minVolume,
  };
}

/**
 * Threat detection for log search: Sigma rules and correlations on every
 * stored batch, anomaly baselines per service, detections stored and grouped,
 * alert routing, and the detection routes and actions.
 */
export const logSearchModuleDetections = createBackendModule({
  pluginId: 'log-search',
  moduleId: 'detections',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        notifications: notificationService,
        actionsRegistry: actionsRegistryServiceRef,
        processing: logSearchProcessingExtensionPoint,
        metrics: metricsServiceRef,
      },
      async init(deps) {
        const { config, logger } = deps;
        if (
          config.getOptionalBoolean('logSearch.detections.enabled') === false
        ) {
          logger.info(
            'log search detections are switched off (logSearch.detections.enabled)',
          );
          return;
        }
        deps.permissionsRegistry.addPermissions(logSearchDetectionPermissions);
        const store = await DatabaseDetectionStore.create({
          database: deps.database,
        });
        const packs = await Promise.all(
          readRulePaths(config).map(source =>
            loadRulePack({ ...source, path: path.resolve(source.path) }),
          ),
        );
        const settings = readDetectionSettings(config);
        const engine = await DetectionEngine.create({
          packs,
          store,
          logger,
          settings,
        });
        for (const pack of engine.loadReport()) {
          if (pack.missing) {
            logger.warn('rule pack not loaded', {
              pack: pack.pack,
              reason: pack.missing,
            });
            continue;
          }
          logger.info('rule pack loaded', {
            pack: pack.pack,
            loaded: pack.loaded,
            supported: pack.supported,
            invalid: pack.invalid.length,
          });
          for (const invalid of pack.invalid) {
            logger.warn('invalid Sigma rule', {
              pack: pack.pack,
              file: invalid.file,
              error: invalid.error,
            });
          }
        }

        const alerts = new AlertRouter({
          routes: readAlertRoutes(config),
          baseUrl: config.getString('app.baseUrl'),
          logger,
          notifier: deps.notifications,
          ownerOf: async entityRef => {
            const entity = await deps.catalog.getEntityByRef(entityRef, {
              credentials: await deps.auth.getOwnServiceCredentials(),
            });
            const owner = entity?.spec?.owner;
            if (typeof owner !== 'string') return undefined;
            return stringifyEntityRef(
              parseEntityRef(owner, {
                defaultKind: 'group',
                defaultNamespace: entity!.metadata.namespace ?? 'default',
              }),
            );
          },
        });
        const raised = deps.metrics.createCounter<{
          level: string;
          source: string;
        }>('log_search.detections', {
          description:
            'New detections, by level and source (sigma: rules and correlations, anomaly: baselines)',
        });
        engine.onDetection(detection => {
          raised.add(1, { level: detection.level, source: 'sigma' });
          alerts.dispatch(detection);
        });
        deps.processing.addProcessor(engine);

        deps.httpRouter.use(
          await createDetectionsRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            store,
            engine,
          }),
        );
        registerDetectionActions({
          actionsRegistry: deps.actionsRegistry,
          store,
          permissions: deps.permissions,
        });

        await deps.scheduler.scheduleTask({
          id: 'log-search-detections-windows',
          frequency: { minutes: 5 },
          timeout: { minutes: 2 },
          // Each replica keeps its own windows in memory.
          scope: 'local',
          fn: async () => {
            await engine.prune();
          },
        });
        const anomalyOptions = readAnomalyOptions(config);
        if (anomalyOptions.enabled) {
          const anomalies = new AnomalyDetector({
            store,
            logger,
            settings: anomalyOptions,
            groupWindowMs: settings.groupWindowMs,
            onDetection: detection => {
              raised.add(1, { level: detection.level, source: 'anomaly' });
              alerts.dispatch(detection);
            },
          });
          await deps.scheduler.scheduleTask({
            id: 'log-search-detections-anomalies',
            frequency: { minutes: anomalyOptions.intervalMinutes },
            timeout: { minutes: 5 },
            initialDelay: { minutes: 1 },
            scope: 'global',
            fn: async () => {
              await anomalies.run();
              await anomalies.prune();
            },
          });
        }
      },
    });
  },
});
