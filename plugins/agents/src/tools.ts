import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  AgentEntity,
  ANNOTATION_LIVE_TOOLS,
  ANNOTATION_TOOL_DRIFT,
  ANNOTATION_TOOL_SYNC,
  ANNOTATION_TOOL_SYNC_REASON,
  McpServerEntity,
  McpToolSpec,
  ToolDrift,
  ToolPermission,
  ToolSync,
} from '@pilothouse/plugin-agentops-common';

/**
 * Whether a tool may change or destroy something. A missing hint is not
 * trusted, as the MCP specification advises: only a tool that says it is
 * read-only, or says it is not destructive, is taken at its word (the agents
 * backend decides the same way).
 */
export function isDestructiveTool(tool: McpToolSpec): boolean {
  return tool.readOnly !== true && tool.destructive !== false;
}

/** `mcpserver:default/kubernetes` for what an agent wrote in `mcpServers[].server`. */
export function mcpServerRefOf(agent: Entity, ref: string): string {
  return stringifyEntityRef(
    parseEntityRef(ref, {
      defaultKind: 'MCPServer',
      defaultNamespace: agent.metadata.namespace ?? 'default',
    }),
  );
}

/** Whether an agent may call a tool, and if not, why. */
export type ToolAccess = 'allowed' | 'destructive-not-allowed' | 'undeclared';

/** One tool an agent uses, as the server declares it. */
export interface AgentTool {
  name: string;
  /** The server's declaration; absent when the server does not declare it. */
  spec?: McpToolSpec;
  access: ToolAccess;
}

/** The tools an agent uses on one MCP server. */
export interface AgentServerTools {
  serverRef: string;
  /** Absent when the MCPServer is not in the catalog (or not visible). */
  server?: McpServerEntity;
  /** True when the agent lists no tools: it uses all the server's tools. */
  allTools: boolean;
  tools: AgentTool[];
}

/**
 * The tools an agent uses through each of its MCP servers, resolved from the
 * MCPServer entities: all the server's tools unless it lists some; a
 * destructive tool is listed but not callable unless the agent may call
 * destructive tools.
 */
export function agentTools(
  agent: AgentEntity,
  servers: Map<string, McpServerEntity>,
): AgentServerTools[] {
  return (agent.spec.mcpServers ?? []).map(use => {
    const serverRef = mcpServerRefOf(agent, use.server);
    const server = servers.get(serverRef);
    const declared = server?.spec.tools ?? [];
    const names = use.tools ?? declared.map(t => t.name);
    const tools = names.map((name): AgentTool => {
      const spec = declared.find(t => t.name === name);
      if (!spec) return { name, access: 'undeclared' };
      if (isDestructiveTool(spec) && !agent.spec.allowDestructiveTools) {
        return { name, spec, access: 'destructive-not-allowed' };
      }
      return { name, spec, access: 'allowed' };
    });
    return { serverRef, server, allTools: !use.tools, tools };
  });
}

/** The tools an agent may actually call, over all its servers. */
export function callableTools(uses: AgentServerTools[]): AgentTool[] {
  return uses.flatMap(use => use.tools.filter(t => t.access === 'allowed'));
}

/** What the catalog module found when it asked the running server for its tools. */
export interface LiveToolsState {
  /** Absent when the entity has no `spec.serverId` or was not checked yet. */
  sync?: ToolSync;
  /** Tool names the server lists (when it was reachable). */
  live?: string[];
  drift?: ToolDrift;
  /** Why it was unreachable. */
  reason?: string;
}

function parseJson<T>(text: string | undefined, valid: (v: any) => boolean) {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text);
    return valid(value) ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}

const isStringArray = (v: unknown) =>
  Array.isArray(v) && v.every(x => typeof x === 'string');

/** Reads the live tool annotations of an MCPServer entity. */
export function liveToolsOf(entity: Entity): LiveToolsState {
  const annotations = entity.metadata.annotations ?? {};
  const sync = annotations[ANNOTATION_TOOL_SYNC] as ToolSync | undefined;
  const drift = parseJson<ToolDrift>(
    annotations[ANNOTATION_TOOL_DRIFT],
    v =>
      typeof v === 'object' &&
      v !== null &&
      isStringArray(v.missing) &&
      isStringArray(v.undeclared),
  );
  return {
    sync:
      sync && ['in-sync', 'drift', 'unreachable'].includes(sync)
        ? sync
        : undefined,
    live: parseJson<string[]>(
      annotations[ANNOTATION_LIVE_TOOLS],
      isStringArray,
    ),
    drift: drift && { ...drift, changed: drift.changed ?? [] },
    reason: annotations[ANNOTATION_TOOL_SYNC_REASON],
  };
}

/** A permission as a person reads it: `get, list namespaces`, `ecs:UpdateService`. */
export function describePermission(permission: ToolPermission): {
  system: string;
  text: string;
} {
  if (typeof permission === 'string') {
    return { system: 'AWS IAM', text: permission };
  }
  if ('verbs' in permission) {
    const groups = permission.apiGroups
      .map(g => (g === '' ? 'core' : g))
      .join(', ');
    return {
      system: 'Kubernetes',
      text: `${permission.verbs.join(', ')} ${permission.resources.join(
        ', ',
      )} (${groups})`,
    };
  }
  if ('action' in permission) {
    return {
      system: 'Argo CD',
      text: `${permission.action} ${permission.resource} ${permission.object}`,
    };
  }
  return { system: permission.system, text: permission.permission };
}
