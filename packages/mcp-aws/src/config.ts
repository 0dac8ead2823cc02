import { parseArgs } from 'node:util';
import { ALL_TOOL_NAMES } from './tools';

export const HELP = `pilothouse-mcp-aws — MCP server for AWS operations

Usage:
  node packages/mcp-aws/dist/index.js [options]

Options (each has an environment variable; the flag wins):
  --transport stdio|http     MCP_TRANSPORT       transport (default stdio)
  --port N                   MCP_PORT            HTTP port (default 18091); the endpoint is /mcp
  --host ADDR                MCP_HOST            HTTP bind address (default 127.0.0.1)
  --allowed-hosts h1,h2      MCP_ALLOWED_HOSTS   Host/Origin names accepted over HTTP
                                                 (default localhost,127.0.0.1,[::1])
  --read-only                MCP_READ_ONLY=true  register only read-only tools
  --allow tool,tool          MCP_ALLOW           register only these tools
  --scope id[,id]            MCP_SCOPE           AWS account ids (12 digits) and/or regions
                                                 the tools may touch (default: any)
  --role-map FILE            MCP_AWS_ROLE_MAP    JSON or YAML { tool: roleArn, default: roleArn }
  --user NAME                MCP_AWS_USER        calling user for session tags when a request
                                                 carries no _meta "pilothouse.dev/user"
  --region REGION            AWS_REGION          default region (default us-east-1)
  --catalog FILE             MCP_AWS_CATALOG     catalog components for triage_incident
                                                 (default catalog/components.yaml)
  --timeout-ms N             MCP_TIMEOUT_MS      deadline per tool call (default 30000)
  -h, --help                                     show this help

Base credentials (used only to call sts:AssumeRole) come from the AWS SDK's
default chain: AWS_PROFILE, AWS_ACCESS_KEY_ID/..., web identity, instance role.

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
  roleMap?: string;
  user?: string;
  region: string;
  catalog: string;
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
      'role-map': { type: 'string' },
      user: { type: 'string' },
      region: { type: 'string' },
      catalog: { type: 'string' },
      'timeout-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const transport = values.transport ?? env.MCP_TRANSPORT ?? 'stdio';
  if (transport !== 'stdio' && transport !== 'http') {
    throw new Error(`--transport must be stdio or http, got "${transport}"`);
  }
  const port = Number(values.port ?? env.MCP_PORT ?? 18091);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      `--port must be a port number, got "${values.port ?? env.MCP_PORT}"`,
    );
  }
  const timeoutMs = Number(
    values['timeout-ms'] ?? env.MCP_TIMEOUT_MS ?? 30_000,
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
    roleMap: values['role-map'] ?? env.MCP_AWS_ROLE_MAP,
    user: values.user ?? env.MCP_AWS_USER,
    region:
      values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    catalog: values.catalog ?? env.MCP_AWS_CATALOG ?? 'catalog/components.yaml',
    timeoutMs,
  };
}
