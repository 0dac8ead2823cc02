import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { createRouter } from './router';

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
      async init({ logger, httpAuth, httpRouter, userInfo, permissions }) {
        httpRouter.use(
          await createRouter({ logger, httpAuth, userInfo, permissions }),
        );
      },
    });
  },
});
