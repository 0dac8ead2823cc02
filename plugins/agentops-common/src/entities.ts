import type { Entity } from '@backstage/catalog-model';

/** apiVersion of both kinds. */
export const AGENTOPS_API_VERSION = 'pilothouse.io/v1alpha1';

export type DataClassification =
  | 'public'
  | 'internal'
  | 'confidential'
  | 'restricted';

/**
 * A permission a tool needs in the world it acts on, as the MCP servers
 * declare it in each tool's `_meta["pilothouse.dev/permissions"]`:
 * - Kubernetes RBAC: `{ apiGroups, resources, verbs }` (system omitted or
 *   `kubernetes`);
 * - AWS IAM: `"ecs:DescribeServices"` (an action string);
 * - Argo CD RBAC: `{ system: 'argocd', resource: 'applications', action:
 *   'sync', object: '<project>/<app>', policy: 'p, <role>, ...' }`;
 * - another system: `{ system: 'github', permission: 'actions:write' }`.
 */
export type ToolPermission =
  | string
  | {
      system?: 'kubernetes';
      apiGroups: string[];
      resources: string[];
      verbs: string[];
    }
  | {
      system: 'argocd';
      resource: string;
      action: string;
      object: string;
      /** The same rule as an Argo CD RBAC policy line. */
      policy?: string;
    }
  | { system: string; permission: string };

/** A tool an MCP server offers, as declared in its entity. */
export type McpToolSpec = {
  name: string;
  description?: string;
  /** MCP annotations; missing hints are not trusted (not read-only, destructive). */
  readOnly?: boolean;
  destructive?: boolean;
  idempotent?: boolean;
  permissions?: ToolPermission[];
};

/**
 * `kind: MCPServer` (close to ToolHive's MCPServer resource: transport,
 * URL or command, the permissions it needs).
 */
export interface McpServerEntity extends Entity {
  apiVersion: typeof AGENTOPS_API_VERSION;
  kind: 'MCPServer';
  spec: {
    /** `group:default/platform-admins` */
    owner: string;
    system?: string;
    lifecycle: string;
    transport: 'stdio' | 'streamable-http';
    /** streamable-http: the endpoint, e.g. `http://mcp-kubernetes.mcp:8080/mcp`. */
    url?: string;
    /** stdio: the program and its arguments. */
    command?: string[];
    /** Container image when it runs in Kubernetes. */
    image?: string;
    /** The portal's id of the server in `pilothouse.mcp.servers`, for the live tool list. */
    serverId?: string;
    /**
     * What it may touch: `cluster`, `namespaces` (with `namespaces`), or
     * `account` for a cloud account.
     */
    scope?: { type: 'cluster' | 'namespaces' | 'account'; namespaces?: string[] };
    tools: McpToolSpec[];
  };
}

/** An agent's use of one MCP server: all its tools, or only some. */
export type AgentMcpServerUse = {
  /** Entity ref of the MCPServer: `mcpserver:default/kubernetes`. */
  server: string;
  /** Tool names it may call; omitted means all the server's tools. */
  tools?: string[];
};

/**
 * `kind: Agent` (close to kagent's Agent resource: a model, a system
 * message, the MCP servers and tools it uses; plus what governance needs).
 */
export interface AgentEntity extends Entity {
  apiVersion: typeof AGENTOPS_API_VERSION;
  kind: 'Agent';
  spec: {
    owner: string;
    system?: string;
    lifecycle: string;
    /** Which model, through the LLM gateway's routing. */
    model: { provider: string; name: string };
    /** The agent's instructions, as kagent's systemMessage. */
    systemMessage?: string;
    mcpServers: AgentMcpServerUse[];
    /** Kubernetes namespace it runs in (its own). */
    namespace: string;
    /** Container image of the agent. */
    image?: string;
    dataClassification: DataClassification;
    /** Whether it may call destructive tools at all. */
    allowDestructiveTools: boolean;
    /** Who must say yes before a destructive call: nobody (`none`), the requester, or a second person. */
    approvals: {
      mode: 'none' | 'confirm' | 'approval';
      /** mode `approval`: groups whose members may approve (`group:default/sre`). */
      approverGroups?: string[];
    };
    resources?: {
      requests?: { cpu?: string; memory?: string };
      limits?: { cpu?: string; memory?: string };
    };
  };
}

/** Relations (both directions are emitted by the processor). */
export const RELATION_USES_MCP_SERVER = 'usesMcpServer';
export const RELATION_MCP_SERVER_USED_BY = 'mcpServerUsedBy';

/**
 * Annotations the catalog module writes on MCPServer entities that have a
 * `spec.serverId`, from the portal's live connection to that server.
 */
/** JSON array of the tool names the running server lists. */
export const ANNOTATION_LIVE_TOOLS = 'pilothouse.io/live-tools';
/** `in-sync`, `drift` or `unreachable`; details in ANNOTATION_TOOL_DRIFT. */
export const ANNOTATION_TOOL_SYNC = 'pilothouse.io/tool-sync';
/** JSON {@link ToolDrift} (set when the server is reachable). */
export const ANNOTATION_TOOL_DRIFT = 'pilothouse.io/tool-drift';
/** Why the server is `unreachable`, in a sentence (set only then). */
export const ANNOTATION_TOOL_SYNC_REASON = 'pilothouse.io/tool-sync-reason';

export type ToolSync = 'in-sync' | 'drift' | 'unreachable';

/** How the declared tools differ from the tools the running server lists. */
export type ToolDrift = {
  /** Declared in the entity, not offered by the server. */
  missing: string[];
  /** Offered by the server, not declared in the entity. */
  undeclared: string[];
  /**
   * Offered and declared, but with other hints or permissions: `fields` names
   * what differs (`readOnly`, `destructive`, `idempotent`, `permissions`).
   */
  changed: Array<{ name: string; fields: string[] }>;
};

export function isAgentEntity(entity: Entity): entity is AgentEntity {
  return entity.apiVersion === AGENTOPS_API_VERSION && entity.kind === 'Agent';
}

export function isMcpServerEntity(entity: Entity): entity is McpServerEntity {
  return (
    entity.apiVersion === AGENTOPS_API_VERSION && entity.kind === 'MCPServer'
  );
}
