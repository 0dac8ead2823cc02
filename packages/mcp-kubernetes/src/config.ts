import { parseArgs } from 'node:util';
import { ALL_TOOL_NAMES } from './tools';

export const HELP = `pilothouse-mcp-kubernetes — MCP server for Kubernetes workloads

Usage:
  node packages/mcp-kubernetes/dist/index.js [options]

Options (each has an environment variable; the flag wins):
  --transport stdio|http     MCP_TRANSPORT       transport (default stdio)
  --port N                   MCP_PORT            HTTP port (default 18090); the endpoint is /mcp
  --host ADDR                MCP_HOST            HTTP bind address (default 127.0.0.1)
  --allowed-hosts h1,h2      MCP_ALLOWED_HOSTS   Host/Origin names accepted over HTTP
                                                 (default localhost,127.0.0.1,[::1])
  --read-only                MCP_READ_ONLY=true  register only read-only tools
  --allow tool,tool          MCP_ALLOW           register only these tools
  --scope ns[,ns]            MCP_SCOPE           namespaces the tools may touch (default: all)
  --kubeconfig FILE          KUBECONFIG          kubeconfig; default ~/.kube/config, then in-cluster
  --timeout-ms N             MCP_TIMEOUT_MS      deadline per tool call (default 20000)
  -h, --help                                     show this help

Tools: ${ALL_TOOL_NAMES.join(', ')}
`;

export interface CliConfig {
  help: boolean;
  transport: 'stdio' | 'http';
  port: number;
  host: string;
  allowedHosts: string[];
  readOnly: boolean;
  allow?: string[];
  scope?: string[];
  kubeconfig?: string;
  timeoutMs: number;
}

function list(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(',')
    .map(s => s.trim())
    .filter(Boolean);
  return items && items.length > 0 ? items : undefined;
}

function truthy(value: string | undefined): boolean {
  return ['1', 'true', 'yes', 'on'].includes((value ?? '').toLowerCase());
}

/** Reads flags, falling back to environment variables, and validates them. */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): CliConfig {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      transport: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'allowed-hosts': { type: 'string' },
      'read-only': { type: 'boolean' },
      allow: { type: 'string' },
      scope: { type: 'string' },
      kubeconfig: { type: 'string' },
      'timeout-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const transport = values.transport ?? env.MCP_TRANSPORT ?? 'stdio';
  if (transport !== 'stdio' && transport !== 'http') {
    throw new Error(`--transport must be stdio or http, got "${transport}"`);
  }
  const port = Number(values.port ?? env.MCP_PORT ?? 18090);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      `--port must be a port number, got "${values.port ?? env.MCP_PORT}"`,
    );
  }
  const timeoutMs = Number(
    values['timeout-ms'] ?? env.MCP_TIMEOUT_MS ?? 20_000,
  );
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new Error('--timeout-ms must be a positive integer');
  }
  return {
    help: Boolean(values.help),
    transport,
    port,
    host: values.host ?? env.MCP_HOST ?? '127.0.0.1',
    allowedHosts: list(values['allowed-hosts'] ?? env.MCP_ALLOWED_HOSTS) ?? [
      'localhost',
      '127.0.0.1',
      '[::1]',
    ],
    readOnly: values['read-only'] ?? truthy(env.MCP_READ_ONLY),
    allow: list(values.allow ?? env.MCP_ALLOW),
    scope: list(values.scope ?? env.MCP_SCOPE),
    // KUBECONFIG itself is honoured by the default loading chain.
    kubeconfig: values.kubeconfig,
    timeoutMs,
  };
}
