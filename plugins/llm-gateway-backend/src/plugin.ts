import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { applyMigrations } from './database/migrations';
import { createRouter } from './router';
import { DatabaseAuditLog, scheduleAuditVerification } from './services/Audit';
import { createInspector } from './services/Inspector';
import { createGatewayMetrics } from './services/Metrics';
import { createPolicyParts } from './services/Policy';
import { createQuotas, DatabaseUsageStore } from './services/Quotas';

/**
 * Every AI call in Pilothouse passes here: inspection, policy, routing,
 * quotas and audit. Served at /api/llm-gateway.
 */
export const llmGatewayPlugin = createBackendPlugin({
  pluginId: 'llm-gateway',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        metrics: metricsServiceRef,
        catalog: catalogServiceRef,
      },
      async init({
        logger,
        config,
        database,
        httpAuth,
        httpRouter,
        userInfo,
        permissions,
        scheduler,
        lifecycle,
        metrics,
        catalog,
      }) {
        const knex = await database.getClient();
        await applyMigrations(knex, database);
        const gatewayMetrics = createGatewayMetrics(metrics);
        const auditLog = await DatabaseAuditLog.create({
          knex,
          database,
          logger,
          metrics: gatewayMetrics,
        });
        const quotas = createQuotas({
          config,
          logger,
          lifecycle,
          usageStore: await DatabaseUsageStore.create({ knex, database }),
          metrics: gatewayMetrics,
        });
        await scheduleAuditVerification({ scheduler, config, auditLog });
        const policy = await createPolicyParts({
          config,
          knex,
          logger,
          catalog,
        });
        const inspector = await createInspector({ config, knex, logger });
        httpRouter.use(
          await createRouter({
            logger,
            httpAuth,
            userInfo,
            permissions,
            policy,
            inspector,
            auditLog,
            quotas,
          }),
        );
      },
    });
  },
});
