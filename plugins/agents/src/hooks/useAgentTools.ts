import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  AgentEntity,
  isMcpServerEntity,
  McpServerEntity,
} from '@pilothouse/plugin-agentops-common';
import useAsync from 'react-use/esm/useAsync';
import { agentTools, mcpServerRefOf } from '../tools';

/** The tools an agent uses, resolved from its MCPServer entities in the catalog. */
export function useAgentTools(agent: AgentEntity) {
  const catalogApi = useApi(catalogApiRef);
  return useAsync(async () => {
    const refs = [
      ...new Set(
        (agent.spec.mcpServers ?? []).map(use =>
          mcpServerRefOf(agent, use.server),
        ),
      ),
    ];
    const { items } = await catalogApi.getEntitiesByRefs({ entityRefs: refs });
    const servers = new Map<string, McpServerEntity>();
    items.forEach((entity, index) => {
      if (entity && isMcpServerEntity(entity)) servers.set(refs[index], entity);
    });
    return agentTools(agent, servers);
  }, [catalogApi, agent]);
}
