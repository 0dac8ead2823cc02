import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { mcpServersServiceRef } from '@pilothouse/plugin-mcp-servers-node';
import { McpLiveToolsProvider } from './liveTools/McpLiveToolsProvider';
import { McpServerLiveToolsProcessor } from './liveTools/McpServerLiveToolsProcessor';
import { AgentOpsEntityProcessor } from './processor/AgentOpsEntityProcessor';

const SCHEDULE_KEY = 'catalog.providers.mcpLiveTools.schedule';

/**
 * The Agent and MCPServer kinds in the catalog: validation and relations,
 * and each MCP server's live tools with drift from its declaration.
 */
export const catalogModuleAgentOps = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'agentops',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        mcpServers: mcpServersServiceRef,
      },
      async init({ catalog, config, logger, scheduler, mcpServers }) {
        const schedule = config.has(SCHEDULE_KEY)
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              config.getConfig(SCHEDULE_KEY),
            )
          : { frequency: { seconds: 30 }, timeout: { seconds: 30 } };
        catalog.addProcessor(
          new AgentOpsEntityProcessor(),
          new McpServerLiveToolsProcessor(mcpServers),
        );
        catalog.addEntityProvider(
          new McpLiveToolsProvider({
            source: mcpServers,
            scheduler,
            schedule,
            logger,
          }),
        );
      },
    });
  },
});
