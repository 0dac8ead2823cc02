import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type {
  ActionsService,
  ActionsServiceAction,
} from '@backstage/backend-plugin-api/alpha';
import { InputError, NotFoundError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import type { ToolContext } from '@pilothouse/plugin-llm-gateway-common';
import {
  type McpServersService,
  USER_META_KEY,
} from '@pilothouse/plugin-mcp-servers-node';

/** The server name under which Backstage actions are offered. */
export const ACTIONS_SERVER = 'backstage';

/** Request `_meta` key for the tool's declared real-world permissions. */
const PERMISSIONS_META_KEY = 'pilothouse.dev/permissions';

export interface CatalogTool {
  /** `server.tool`: unique across servers. */
  name: string;
  server: string;
  /** The tool's own name on its server (for actions: the action id). */
  tool: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  annotations: { readOnly: boolean; destructive: boolean; idempotent: boolean };
  permissions?: unknown;
  source: 'mcp' | 'action';
}

/** What a tool call returns, in MCP's CallToolResult shape. */
export interface ToolResult {
  content: Array<{ type: string; text?: string; [k: string]: unknown }>;
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
}

/**
 * MCP annotations are hints and may be missing: only an explicit
 * `readOnlyHint: true` makes a tool read-only, and a tool that is not
 * read-only counts as destructive unless it says `destructiveHint: false`.
 */
export function annotationsOf(hints?: {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
}): CatalogTool['annotations'] {
  const readOnly = hints?.readOnlyHint === true;
  return {
    readOnly,
    destructive: !readOnly && hints?.destructiveHint !== false,
    idempotent: readOnly || hints?.idempotentHint === true,
  };
}

export function toolContext(tool: CatalogTool): ToolContext {
  return {
    server: tool.server,
    name: tool.tool,
    ...tool.annotations,
    ...(tool.permissions !== undefined
      ? { permissions: tool.permissions }
      : {}),
  };
}

/** `catalog:get-entity` → `catalog.get-entity`: tool names avoid colons. */
const actionToolName = (action: ActionsServiceAction) =>
  `${ACTIONS_SERVER}.${action.id.replace(/:/g, '.')}`;

/**
 * Every tool the gateway can route: the MCP servers' tools (through the one
 * MCP client module) and Backstage's actions (invoked with the caller's
 * credentials), named `server.tool`.
 */
export class ToolCatalog {
  constructor(
    private readonly mcp: McpServersService,
    private readonly actions?: ActionsService,
  ) {}

  async list(credentials: BackstageCredentials): Promise<CatalogTool[]> {
    const [mcpTools, actions] = await Promise.all([
      this.mcp.listTools(),
      this.actions
        ? this.actions.list({ credentials }).then(r => r.actions)
        : Promise.resolve([]),
    ]);
    const tools: CatalogTool[] = mcpTools
      // An MCP server named like the actions would shadow them: actions win.
      .filter(({ serverId }) => serverId !== ACTIONS_SERVER)
      .map(({ serverId, tool }) => ({
        name: `${serverId}.${tool.name}`,
        server: serverId,
        tool: tool.name,
        description: tool.description,
        inputSchema: tool.inputSchema as Record<string, unknown>,
        annotations: annotationsOf(tool.annotations),
        permissions: (tool._meta as Record<string, unknown> | undefined)?.[
          PERMISSIONS_META_KEY
        ],
        source: 'mcp' as const,
      }));
    for (const action of actions) {
      tools.push({
        name: actionToolName(action),
        server: ACTIONS_SERVER,
        tool: action.id,
        description: action.description || action.title,
        inputSchema: action.schema.input as Record<string, unknown>,
        // Action attributes are set (the registry defaults to destructive).
        annotations: {
          readOnly: action.attributes.readOnly,
          destructive:
            !action.attributes.readOnly && action.attributes.destructive,
          idempotent: action.attributes.idempotent,
        },
        source: 'action',
      });
    }
    return tools;
  }

  /** `server.tool`, or a tool name that only one server has. */
  async resolve(
    name: string,
    credentials: BackstageCredentials,
  ): Promise<CatalogTool> {
    const tools = await this.list(credentials);
    const exact = tools.find(t => t.name === name);
    if (exact) return exact;
    const byToolName = tools.filter(t => t.tool === name);
    if (byToolName.length === 1) return byToolName[0];
    if (byToolName.length > 1) {
      throw new InputError(
        `tool: "${name}" is offered by several servers; name one of ${byToolName
          .map(t => t.name)
          .join(', ')}`,
      );
    }
    throw new NotFoundError(`tool: no tool "${name}" is available`);
  }

  async call(
    tool: CatalogTool,
    args: Record<string, unknown>,
    credentials: BackstageCredentials,
  ): Promise<ToolResult> {
    if (tool.source === 'action') {
      if (!this.actions)
        throw new NotFoundError(`No actions service for "${tool.name}"`);
      const { output } = await this.actions.invoke({
        id: tool.tool,
        input: args as JsonObject,
        credentials,
      });
      const structured =
        output && typeof output === 'object' && !Array.isArray(output)
          ? (output as Record<string, unknown>)
          : undefined;
      return {
        content: [{ type: 'text', text: JSON.stringify(output) }],
        ...(structured ? { structuredContent: structured } : {}),
      };
    }
    // The server learns whom the call is for (mcp-aws tags its AWS session
    // with it); a service calling with its own credentials sends no user.
    const principal = credentials.principal as {
      type?: string;
      userEntityRef?: string;
    };
    const user = principal.type === 'user' ? principal.userEntityRef : undefined;
    const result = await this.mcp.callTool(
      tool.server,
      tool.tool,
      args,
      user ? { meta: { [USER_META_KEY]: user } } : undefined,
    );
    return result as ToolResult;
  }
}
