import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { McpServerConfig } from './types';

/** Reads `pilothouse.mcp.servers`, failing with the key that is wrong. */
export function readMcpServerConfigs(config: Config): McpServerConfig[] {
  const servers = config.getOptionalConfigArray('pilothouse.mcp.servers') ?? [];
  const seen = new Set<string>();
  return servers.map((server, index) => {
    const key = `pilothouse.mcp.servers[${index}]`;
    const id = server.getString('id');
    if (seen.has(id)) {
      throw new InputError(`${key}.id: "${id}" is used by another MCP server`);
    }
    seen.add(id);
    const command = server.getOptionalString('command');
    const url = server.getOptionalString('url');
    const transport =
      (server.getOptionalString('transport') as 'stdio' | 'http' | undefined) ??
      (command ? 'stdio' : 'http');
    if (transport !== 'stdio' && transport !== 'http') {
      throw new InputError(`${key}.transport must be "stdio" or "http"`);
    }
    if (transport === 'stdio' && !command) {
      throw new InputError(`${key}.command is required for a stdio MCP server`);
    }
    if (transport === 'http' && !url) {
      throw new InputError(`${key}.url is required for an http MCP server`);
    }
    return {
      id,
      description: server.getOptionalString('description'),
      transport,
      command,
      args: server.getOptionalStringArray('args'),
      env: server.getOptional<Record<string, string>>('env'),
      cwd: server.getOptionalString('cwd'),
      url,
      headers: server.getOptional<Record<string, string>>('headers'),
      callTimeoutMs: server.getOptionalNumber('callTimeoutMs') ?? 30_000,
    };
  });
}
