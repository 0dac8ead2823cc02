import { selectTools as selectToolsByMode } from '@pilothouse/mcp-common';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { kubernetesError, withTimeout } from './errors';
import { KubernetesClients } from './kube';
import { log } from './logger';
import { NamespaceScope } from './scope';
import { ALL_TOOLS } from './tools';
import { PERMISSIONS_META_KEY, ToolDefinition } from './tools/types';

export const SERVER_NAME = 'pilothouse-kubernetes';
export const SERVER_VERSION = '0.1.0';

export interface KubernetesMcpOptions {
  clients: KubernetesClients;
  /** Register only tools with readOnlyHint (no scale, restart, undo). */
  readOnly?: boolean;
  /** Register only these tools. */
  allow?: string[];
  /** Namespaces the tools may touch; empty or undefined means cluster-wide. */
  scope?: string[];
  /** Deadline for each tool call's Kubernetes requests. Default 20 s. */
  timeoutMs?: number;
  /** Log each tool call to stderr. Default true. */
  logCalls?: boolean;
}

/** The tools these options register; throws on an unknown name in the allow-list. */
export function selectTools(
  options: Pick<KubernetesMcpOptions, 'readOnly' | 'allow'>,
): ToolDefinition[] {
  return selectToolsByMode(ALL_TOOLS, options);
}

/**
 * Builds the MCP server. Read-only and allow-list modes decide what is
 * registered, so a filtered tool is neither listed nor callable; the
 * namespace scope is checked on every call.
 */
export function createKubernetesMcpServer(
  options: KubernetesMcpOptions,
): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      instructions:
        'Kubernetes workloads: start with list_namespaces / list_workloads or health_check, inspect with get_workload and pod_logs. scale_deployment, restart_deployment and undo_rollout change the cluster and return how to undo them.',
    },
  );
  const scope = new NamespaceScope(options.scope);
  const ctx = {
    clients: options.clients,
    scope,
    timeoutMs: options.timeoutMs ?? 20_000,
  };

  for (const tool of selectTools(options)) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        annotations: tool.annotations,
        _meta: { [PERMISSIONS_META_KEY]: tool.permissions },
      },
      async (args: Record<string, unknown>): Promise<CallToolResult> => {
        const started = Date.now();
        const namespace =
          typeof args.namespace === 'string' ? args.namespace : undefined;
        let outcome: CallToolResult;
        const refused = namespace ? scope.refuse(namespace) : undefined;
        if (refused) {
          outcome = refused;
        } else {
          try {
            outcome = await withTimeout(
              tool.handler(args as never, ctx),
              ctx.timeoutMs,
            );
          } catch (error) {
            outcome = kubernetesError(
              error,
              `running ${tool.name}${namespace ? ` in ${namespace}` : ''}`,
            );
          }
        }
        if (options.logCalls !== false) {
          log(outcome.isError ? 'warn' : 'info', 'tool call', {
            tool: tool.name,
            namespace,
            isError: Boolean(outcome.isError),
            ms: Date.now() - started,
          });
        }
        return outcome;
      },
    );
  }
  return server;
}
