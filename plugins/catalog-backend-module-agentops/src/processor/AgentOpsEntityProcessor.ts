import {
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  AGENTOPS_API_VERSION,
  isAgentEntity,
  isMcpServerEntity,
  RELATION_MCP_SERVER_USED_BY,
  RELATION_USES_MCP_SERVER,
} from '@pilothouse/plugin-agentops-common';
import { validateAgentOpsEntity } from './validation';

const KINDS = ['Agent', 'MCPServer'] as const;

// The Kubernetes plugin's annotations (@backstage/plugin-kubernetes-common).
const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';
const KUBERNETES_NAMESPACE_ANNOTATION = 'backstage.io/kubernetes-namespace';
/** The label the agents backend puts on everything it renders for an agent. */
const AGENT_LABEL = 'pilothouse.io/agent';
type AgentOpsKind = (typeof KINDS)[number];

function agentOpsKind(entity: Entity): AgentOpsKind | undefined {
  if (entity.apiVersion !== AGENTOPS_API_VERSION) return undefined;
  return KINDS.find(k => k === entity.kind);
}

/**
 * The Agent and MCPServer kinds: validates them against their JSON schemas
 * (one readable sentence per problem, naming the field) and emits their
 * relations, as the catalog's BuiltinKindsEntityProcessor does for its kinds.
 */
export class AgentOpsEntityProcessor implements CatalogProcessor {
  getProcessorName(): string {
    return 'AgentOpsEntityProcessor';
  }

  async validateEntityKind(entity: Entity): Promise<boolean> {
    const kind = agentOpsKind(entity);
    if (!kind) return false;
    const problems = validateAgentOpsEntity(entity, kind);
    if (problems.length) {
      throw new InputError(
        `${kind} ${entity.metadata?.name}: ${problems.join('; ')}`,
      );
    }
    return true;
  }

  /**
   * An Agent without Kubernetes annotations gets the ones its rendered
   * manifests answer to (label `pilothouse.io/agent=<name>` in its own
   * namespace), so the Kubernetes plugin's tab shows its pods; annotations
   * written in the entity win.
   */
  async preProcessEntity(entity: Entity): Promise<Entity> {
    if (agentOpsKind(entity) !== 'Agent') return entity;
    const annotations = entity.metadata.annotations ?? {};
    if (
      annotations[KUBERNETES_ID_ANNOTATION] ||
      annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION]
    ) {
      return entity;
    }
    const namespace = (entity.spec as { namespace?: unknown } | undefined)
      ?.namespace;
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...annotations,
          [KUBERNETES_LABEL_SELECTOR_ANNOTATION]: `${AGENT_LABEL}=${entity.metadata.name}`,
          ...(typeof namespace === 'string' &&
          !annotations[KUBERNETES_NAMESPACE_ANNOTATION]
            ? { [KUBERNETES_NAMESPACE_ANNOTATION]: namespace }
            : {}),
        },
      },
    };
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (!isAgentEntity(entity) && !isMcpServerEntity(entity)) return entity;
    const self = getCompoundEntityRef(entity);
    const both = (
      target: string | undefined,
      defaultKind: string,
      outgoing: string,
      incoming: string,
    ) => {
      if (!target) return;
      const ref = parseEntityRef(target, {
        defaultKind,
        defaultNamespace: self.namespace,
      });
      const other = {
        kind: ref.kind,
        namespace: ref.namespace,
        name: ref.name,
      };
      emit(
        processingResult.relation({
          source: self,
          type: outgoing,
          target: other,
        }),
      );
      emit(
        processingResult.relation({
          source: other,
          type: incoming,
          target: self,
        }),
      );
    };

    both(entity.spec.owner, 'Group', RELATION_OWNED_BY, RELATION_OWNER_OF);
    both(entity.spec.system, 'System', RELATION_PART_OF, RELATION_HAS_PART);
    if (isAgentEntity(entity)) {
      for (const use of entity.spec.mcpServers) {
        both(
          use.server,
          'MCPServer',
          RELATION_USES_MCP_SERVER,
          RELATION_MCP_SERVER_USED_BY,
        );
      }
    }
    return entity;
  }
}
