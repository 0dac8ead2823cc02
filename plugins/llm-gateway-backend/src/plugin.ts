import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { applyDatabaseMigrations } from './database/migrations';
import { createRouter } from './router';
import { createInspector } from './services/Inspector';
import { createPolicyParts } from './services/Policy';

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
        catalog,
      }) {
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await applyDatabaseMigrations(knex);
        }
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
          }),
        );
      },
    });
  },
});
