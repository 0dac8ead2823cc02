import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AgentEntity,
  isAgentEntity,
  isMcpServerEntity,
  McpServerEntity,
} from '@pilothouse/plugin-agentops-common';
import { mcpServerRefOf } from '../../render/permissions';

/** Agents and the MCP servers they use, read from the catalog as the caller. */
export class AgentEntities {
  constructor(private readonly catalog: CatalogService) {}

  async listAgents(credentials: BackstageCredentials): Promise<AgentEntity[]> {
    const { items } = await this.catalog.getEntities(
      { filter: { kind: 'Agent' } },
      { credentials },
    );
    return items.filter(isAgentEntity);
  }

  /** The agent `ref` names: NotFoundError naming it when absent, InputError when it is another kind. */
  async getAgent(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<AgentEntity> {
    const entityRef = stringifyEntityRef(ref);
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    if (!isAgentEntity(entity)) {
      throw new InputError(
        `${stringifyEntityRef(entity)} (${entity.apiVersion} ${
          entity.kind
        }) is not an Agent of pilothouse.io/v1alpha1`,
      );
    }
    return entity;
  }

  /** The MCPServer entities these agents use, keyed by entity ref; missing ones are left out. */
  async serversFor(
    agents: AgentEntity[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, McpServerEntity>> {
    const refs = [
      ...new Set(
        agents.flatMap(agent =>
          (agent.spec.mcpServers ?? []).map(use =>
            mcpServerRefOf(agent, use.server),
          ),
        ),
      ),
    ];
    const servers = new Map<string, McpServerEntity>();
    if (refs.length === 0) {
      return servers;
    }
    const { items } = await this.catalog.getEntitiesByRefs(
      { entityRefs: refs },
      { credentials },
    );
    for (const entity of items as Array<Entity | undefined>) {
      if (entity && isMcpServerEntity(entity)) {
        servers.set(stringifyEntityRef(entity), entity);
      }
    }
    return servers;
  }
}
