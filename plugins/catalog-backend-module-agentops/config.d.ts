import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * How often the agentops module compares each MCP server's live tool
       * list with the last one it saw, and has the MCPServer entities of a
       * changed server processed again. Default: every 30 seconds.
       */
      mcpLiveTools?: {
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
