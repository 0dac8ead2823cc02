import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mcpServersServiceRef } from '@pilothouse/plugin-mcp-servers-node';
import { createRouter } from './router';

/**
 * Starts the configured MCP servers with the backend (they are spawned at
 * start, not on first use) and reports their health at /api/mcp-servers.
 */
export const mcpServersPlugin = createBackendPlugin({
  pluginId: 'mcp-servers',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        mcpServers: mcpServersServiceRef,
      },
      async init({ httpRouter, mcpServers }) {
        httpRouter.use(await createRouter({ mcpServers }));
      },
    });
  },
});
