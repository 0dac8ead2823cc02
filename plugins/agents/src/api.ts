import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  AgentIsolationReport,
  AgentListResponse,
  AgentSummary,
} from '@pilothouse/plugin-agentops-common';
import type { AuditPage } from '@pilothouse/plugin-llm-gateway-common';

/** A file to save: the rendered manifests with the name the server gave them. */
export interface ManifestsDownload {
  filename: string;
  content: Blob;
}

/**
 * The agents backend (`/api/agents/v1`) as the Agents page uses it, plus the
 * gateway's audit log (`/api/llm-gateway/v1/audit`) for an agent's activity.
 */
export interface AgentsApi {
  /** Every agent the caller may see, each with its isolation report. */
  listAgents(): Promise<AgentSummary[]>;
  /** Checks the agent's live isolation against its rendered manifests now. */
  getIsolation(agent: CompoundEntityRef): Promise<AgentIsolationReport>;
  /** The rendered manifests as one YAML stream. */
  getManifests(agent: CompoundEntityRef): Promise<string>;
  /** The same YAML as the server serves it for saving (`?download=1`). */
  downloadManifests(agent: CompoundEntityRef): Promise<ManifestsDownload>;
  /**
   * The newest gateway audit records about an entity. Without the audit
   * permission the gateway answers only the caller's own records.
   */
  recentActivity(entityRef: string, limit: number): Promise<AuditPage>;
}

export const agentsApiRef = createApiRef<AgentsApi>({
  id: 'plugin.agents.service',
});

function agentPath(agent: CompoundEntityRef) {
  return `/v1/agents/${encodeURIComponent(
    agent.namespace,
  )}/${encodeURIComponent(agent.name)}`;
}

/** `attachment; filename="release-agent-manifests.yaml"` → the file name. */
function filenameOf(disposition: string | null, fallback: string) {
  const match = disposition?.match(/filename="?([^";]+)"?/i);
  return match ? match[1] : fallback;
}

export class AgentsClient implements AgentsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async listAgents() {
    const res = await this.get('agents', '/v1/agents');
    return ((await res.json()) as AgentListResponse).items;
  }

  async getIsolation(agent: CompoundEntityRef) {
    const res = await this.get('agents', `${agentPath(agent)}/isolation`);
    return (await res.json()) as AgentIsolationReport;
  }

  async getManifests(agent: CompoundEntityRef) {
    const res = await this.get('agents', `${agentPath(agent)}/manifests`);
    return res.text();
  }

  async downloadManifests(agent: CompoundEntityRef) {
    const res = await this.get(
      'agents',
      `${agentPath(agent)}/manifests?download=1`,
    );
    return {
      filename: filenameOf(
        res.headers.get('content-disposition'),
        `${agent.name}-manifests.yaml`,
      ),
      content: await res.blob(),
    };
  }

  async recentActivity(entityRef: string, limit: number) {
    const query = new URLSearchParams({ entityRef, limit: String(limit) });
    const res = await this.get('llm-gateway', `/v1/audit?${query}`);
    return (await res.json()) as AuditPage;
  }

  private async get(pluginId: string, path: string) {
    const baseUrl = await this.discoveryApi.getBaseUrl(pluginId);
    const res = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return res;
  }
}
