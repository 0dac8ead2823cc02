import type { McpServersService } from '@pilothouse/plugin-mcp-servers-node';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import stringify from 'safe-stable-stringify';

/** What the live tool list needs of the backend's MCP client module. */
export type LiveToolsSource = Pick<McpServersService, 'status' | 'listTools'>;

export type LiveTools =
  | { reachable: true; tools: Tool[] }
  | { reachable: false; reason: string };

/** The refresh key of the entities that declare `spec.serverId: <id>`. */
export function refreshKeyOf(serverId: string): string {
  return `pilothouse-mcp-server:${serverId}`;
}

/** The tools a configured server offers now, or why it cannot say. */
export async function readLiveTools(
  source: LiveToolsSource,
  serverId: string,
): Promise<LiveTools> {
  const status = source.status().find(s => s.id === serverId);
  if (!status) {
    return {
      reachable: false,
      reason: `No MCP server "${serverId}" is configured in pilothouse.mcp.servers`,
    };
  }
  if (status.state !== 'ready') {
    return {
      reachable: false,
      reason: `MCP server "${serverId}" is ${status.state}${
        status.lastError ? `: ${status.lastError}` : ''
      }`,
    };
  }
  const tools = (await source.listTools(serverId)).map(t => t.tool);
  return { reachable: true, tools };
}

/**
 * A digest of every configured server's live state, per server id: when it
 * changes, the entities of that server are processed again.
 */
export async function liveStateDigests(
  source: LiveToolsSource,
): Promise<Map<string, string>> {
  const digests = new Map<string, string>();
  for (const { id } of source.status()) {
    const live = await readLiveTools(source, id);
    digests.set(
      id,
      stringify(
        live.reachable
          ? live.tools.map(t => [t.name, t.annotations, t._meta])
          : // The reason changes with every failed restart; reachability is what matters.
            'unreachable',
      ) ?? '',
    );
  }
  return digests;
}
