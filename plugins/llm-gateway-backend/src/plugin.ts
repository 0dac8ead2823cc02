import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { applyDatabaseMigrations } from './database/migrations';
import { createRouter } from './router';
import { createInspector } from './services/Inspector';

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
      },
      async init({
        logger,
        config,
        database,
        httpAuth,
        httpRouter,
        userInfo,
        permissions,
      }) {
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await applyDatabaseMigrations(knex);
        }
        const inspector = await createInspector({ config, knex, logger });
        httpRouter.use(
          await createRouter({
            logger,
            httpAuth,
            userInfo,
            permissions,
            inspector,
          }),
        );
      },
    });
  },
});
