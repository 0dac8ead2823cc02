import { selectTools as selectToolsByMode } from '@pilothouse/mcp-common';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CicdClients } from './clients';
import { upstreamError, withTimeout } from './errors';
import { log } from './logger';
import { ProjectScope } from './scope';
import { ALL_TOOLS } from './tools';
import { PERMISSIONS_META_KEY, ToolDefinition } from './tools/types';

export const SERVER_NAME = 'pilothouse-cicd';
export const SERVER_VERSION = '0.1.0';

export interface CicdMcpOptions {
  clients: CicdClients;
  /** Register only tools with readOnlyHint (no sync, rollback, promote, abort, rerun, dispatch). */
  readOnly?: boolean;
  /** Register only these tools. */
  allow?: string[];
  /** Argo CD projects the tools may touch; empty or undefined means all. */
  scope?: string[];
  /** Deadline for each tool call. Default 20 s. */
  timeoutMs?: number;
  /** Log each tool call to stderr. Default true. */
  logCalls?: boolean;
}

/** The tools these options register; throws on an unknown name in the allow-list. */
export function selectTools(
  options: Pick<CicdMcpOptions, 'readOnly' | 'allow'>,
): ToolDefinition[] {
  return selectToolsByMode(ALL_TOOLS, options);
}

/** The subject of a call, for logs: an application or a repository. */
function subjectOf(args: Record<string, unknown>): string | undefined {
  for (const key of ['name', 'application', 'repository', 'project']) {
    if (typeof args[key] === 'string') {
      return args[key] as string;
    }
  }
  return undefined;
}

/**
 * Builds the MCP server. Read-only and allow-list modes decide what is
 * registered, so a filtered tool is neither listed nor callable; the project
 * scope is checked by every tool against the application it acts on.
 */
export function createCicdMcpServer(options: CicdMcpOptions): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      instructions:
        'CI/CD: Argo CD applications (list_applications, get_application, sync_application, rollback_application), Argo Rollouts canaries (rollout_status, promote_rollout, abort_rollout) and GitHub Actions (list_workflow_runs, rerun_workflow, dispatch_workflow). Changing tools return how to undo them.',
    },
  );
  const ctx = {
    clients: options.clients,
    scope: new ProjectScope(options.scope),
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
        const subject = subjectOf(args);
        let outcome: CallToolResult;
        try {
          outcome = await withTimeout(
            tool.handler(args as never, ctx),
            ctx.timeoutMs,
          );
        } catch (error) {
          outcome = upstreamError(
            error,
            `running ${tool.name}${subject ? ` for ${subject}` : ''}`,
          );
        }
        if (options.logCalls !== false) {
          log(outcome.isError ? 'warn' : 'info', 'tool call', {
            tool: tool.name,
            subject,
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
