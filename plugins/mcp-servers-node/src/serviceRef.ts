import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import {
  DefaultMcpServersService,
  McpServersService,
  readMcpServerConfigs,
} from './service';

/**
 * The backend's MCP servers: one root-scoped client module that every plugin
 * (the gateway, the assistant, the agent catalog) shares.
 */
export const mcpServersServiceRef = createServiceRef<McpServersService>({
  id: 'pilothouse.mcp-servers',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.rootLogger,
        lifecycle: coreServices.rootLifecycle,
      },
      async factory({ config, logger, lifecycle }) {
        const mcp = DefaultMcpServersService.create({
          servers: readMcpServerConfigs(config),
          restart: {
            initialDelayMs: config.getOptionalNumber(
              'pilothouse.mcp.restart.initialDelayMs',
            ),
            maxDelayMs: config.getOptionalNumber(
              'pilothouse.mcp.restart.maxDelayMs',
            ),
          },
          logger: logger.child({ service: 'mcp-servers' }),
        });
        await mcp.start();
        lifecycle.addShutdownHook(() => mcp.stop());
        return mcp;
      },
    }),
});
