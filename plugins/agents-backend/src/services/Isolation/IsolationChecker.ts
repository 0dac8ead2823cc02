import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type {
  AgentEntity,
  AgentIsolationReport,
  McpServerEntity,
} from '@pilothouse/plugin-agentops-common';
import { renderAgentManifests } from '../../render/manifests';
import type { IsolationOptions } from '../../render/options';
import { RenderRefusedError } from '../../render/permissions';
import { compareIsolation } from './compareIsolation';
import type { LiveIsolationReader } from './types';

/** Renders an agent and compares the result with the live cluster. */
export class IsolationChecker {
  constructor(
    private readonly deps: {
      reader: LiveIsolationReader;
      options: IsolationOptions;
      logger: LoggerService;
    },
  ) {}

  async check(
    agent: AgentEntity,
    servers: Map<string, McpServerEntity>,
  ): Promise<AgentIsolationReport> {
    const base = {
      agentRef: stringifyEntityRef(agent),
      agentNamespace: agent.spec.namespace,
      checkedAt: new Date().toISOString(),
      differences: [],
      warnings: [],
    };
    let rendered;
    try {
      rendered = renderAgentManifests(agent, servers, this.deps.options);
    } catch (error) {
      if (error instanceof RenderRefusedError) {
        return { ...base, status: 'invalid', message: error.message };
      }
      throw error;
    }
    const rbacNamespaces = [...rendered.permissions.kubernetes.keys()];
    let live;
    try {
      live = await this.deps.reader.read({
        agentNamespace: rendered.namespace,
        rbacNamespaces,
      });
    } catch (error) {
      this.deps.logger.warn('could not read the cluster for an agent', {
        agentRef: base.agentRef,
        reason: (error as Error).message,
      });
      return {
        ...base,
        warnings: rendered.warnings,
        status: 'unreachable',
        message: `The cluster could not be read: ${(error as Error).message}`,
      };
    }
    const warnings = [...rendered.warnings, ...live.warnings];
    if (!live.namespace) {
      return {
        ...base,
        warnings,
        status: 'not-deployed',
        message: `Namespace ${rendered.namespace} does not exist in the cluster`,
      };
    }
    const differences = compareIsolation(rendered, live);
    return {
      ...base,
      warnings,
      differences,
      status: differences.length > 0 ? 'drift' : 'ok',
    };
  }
}
