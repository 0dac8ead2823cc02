import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';

/** One configured MCP server, as read from `pilothouse.mcp.servers`. */
export type McpServerConfig = {
  id: string;
  description?: string;
  transport: 'stdio' | 'http';
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  url?: string;
  headers?: Record<string, string>;
  callTimeoutMs: number;
};

/** What the portal reports about a server: never silently dropped. */
export type McpServerStatus = {
  id: string;
  description?: string;
  transport: 'stdio' | 'http';
  state: 'starting' | 'ready' | 'unhealthy' | 'stopped';
  tools: number;
  restarts: number;
  lastError?: string;
  since: string;
  nextRetryAt?: string;
};

export type McpTool = { serverId: string; tool: Tool };

/**
 * Request `_meta` key naming the portal user a tool call is made for
 * (`user:default/alice`), so a server can act as, tag or log that person.
 * Servers must trust it only from the portal (run them where nothing else
 * reaches them).
 */
export const USER_META_KEY = 'pilothouse.dev/user';

export interface McpCallOptions {
  /** Sent as the request's `_meta`, e.g. `{ [USER_META_KEY]: userRef }`. */
  meta?: Record<string, unknown>;
}

/**
 * The backend's one MCP client: connects to every configured server, keeps
 * them running (a dead stdio server is restarted with backoff) and routes
 * tool calls to the server that owns the tool.
 */
export interface McpServersService {
  /** Health of every configured server. */
  status(): McpServerStatus[];
  /** Tools of the ready servers (or of one). */
  listTools(serverId?: string): Promise<McpTool[]>;
  /** Calls a tool on a server; throws NotFoundError / ServiceUnavailableError. */
  callTool(
    serverId: string,
    name: string,
    args: Record<string, unknown>,
    options?: McpCallOptions,
  ): Promise<CallToolResult>;
}
