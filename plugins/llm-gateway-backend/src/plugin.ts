import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  actionsServiceRef,
  metricsServiceRef,
  tracingServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import type { DataClass } from '@pilothouse/plugin-llm-gateway-common';
import { mcpServersServiceRef } from '@pilothouse/plugin-mcp-servers-node';
import { applyMigrations } from './database/migrations';
import { createRouter } from './router';
import {
  DEFAULT_APPROVER_GROUPS,
  DatabaseApprovalStore,
} from './services/Approvals';
import { Gateway } from './services/Gateway';
import { GatewayPartsFactory, createGatewayParts } from './services/parts';
import {
  CatalogEntityDirectory,
  createProviders,
  readProviderConfigs,
} from './services/Providers';
import { DefaultModelRouter } from './services/Routing';
import { ToolCatalog } from './services/Tools';

/**
 * The gateway plugin, with the parts it is built from. Tests pass their own
 * parts; the default builds the real ones.
 */
export function createLlmGatewayPlugin(
  options: { parts?: GatewayPartsFactory } = {},
) {
  const buildParts = options.parts ?? createGatewayParts;
  return createBackendPlugin({
    pluginId: 'llm-gateway',
    register(env) {
      env.registerInit({
        deps: {
          logger: coreServices.logger,
          auth: coreServices.auth,
          discovery: coreServices.discovery,
          config: coreServices.rootConfig,
          database: coreServices.database,
          httpAuth: coreServices.httpAuth,
          httpRouter: coreServices.httpRouter,
          userInfo: coreServices.userInfo,
          permissions: coreServices.permissions,
          mcpServers: mcpServersServiceRef,
          actions: actionsServiceRef,
          catalog: catalogServiceRef,
          scheduler: coreServices.scheduler,
          lifecycle: coreServices.lifecycle,
          metrics: metricsServiceRef,
          tracing: tracingServiceRef,
          events: eventsServiceRef,
        },
        async init(deps) {
          const { logger, config, database, httpRouter } = deps;
          const knex = await database.getClient();
          await applyMigrations(knex, database);
          const parts = await buildParts({
            config,
            logger,
            database,
            knex,
            catalog: deps.catalog,
            auth: deps.auth,
            discovery: deps.discovery,
            scheduler: deps.scheduler,
            lifecycle: deps.lifecycle,
            metrics: deps.metrics,
            events: deps.events,
          });
          const router = DefaultModelRouter.create({
            providers: createProviders(readProviderConfigs(config), {
              entityDirectory: CatalogEntityDirectory.create({
                catalog: deps.catalog,
                auth: deps.auth,
                logger,
              }),
            }),
            breaker: {
              consecutiveFailures: config.getOptionalNumber(
                'llmGateway.routing.breaker.consecutiveFailures',
              ),
              halfOpenAfterMs: config.getOptionalNumber(
                'llmGateway.routing.breaker.halfOpenAfterMs',
              ),
            },
            logger,
            metrics: deps.metrics,
            tracing: deps.tracing,
          });
          const gateway = new Gateway({
            ...parts,
            router,
            tools: new ToolCatalog(deps.mcpServers, deps.actions),
            tracing: deps.tracing,
            approvals: DatabaseApprovalStore.create({
              knex,
              ttlMinutes:
                config.getOptionalNumber('llmGateway.approvals.ttlMinutes') ??
                60,
            }),
            logger,
            settings: {
              defaultDataClass: (config.getOptionalString(
                'llmGateway.routing.defaultDataClass',
              ) ?? 'internal') as DataClass,
              defaultMaxTokens:
                config.getOptionalNumber(
                  'llmGateway.routing.defaultMaxTokens',
                ) ?? 1024,
              approverGroups:
                config.getOptionalStringArray(
                  'llmGateway.approvals.approverGroups',
                ) ?? DEFAULT_APPROVER_GROUPS,
              maxConcurrentCalls:
                config.getOptionalNumber(
                  'llmGateway.routing.maxConcurrentCalls',
                ) ?? 256,
            },
          });

          // The compat APIs answer a missing token in their own error shape.
          httpRouter.addAuthPolicy({
            path: '/anthropic',
            allow: 'unauthenticated',
          });
          httpRouter.addAuthPolicy({
            path: '/openai',
            allow: 'unauthenticated',
          });
          // Probes call /health without a token; it says only "ok".
          httpRouter.addAuthPolicy({
            path: '/health',
            allow: 'unauthenticated',
          });
          httpRouter.use(
            await createRouter({
              ...deps,
              gateway,
              parts,
              maxBodyBytes:
                config.getOptionalNumber('llmGateway.maxBodyBytes') ??
                1024 * 1024,
            }),
          );
        },
      });
    },
  });
}

/**
 * Every AI call in Pilothouse passes here: inspection, policy, routing,
 * quotas and audit. Served at /api/llm-gateway.
 */
export const llmGatewayPlugin = createLlmGatewayPlugin();
