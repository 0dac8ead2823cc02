import { parseArgs } from 'node:util';
import { ALL_TOOL_NAMES } from './tools';

export const HELP = `pilothouse-mcp-cicd — MCP server for Argo CD, Argo Rollouts and GitHub Actions

Usage:
  node packages/mcp-cicd/dist/index.js [options]

Options (each has an environment variable; the flag wins):
  --transport stdio|http     MCP_TRANSPORT       transport (default stdio)
  --port N                   MCP_PORT            HTTP port (default 18092); the endpoint is /mcp
  --host ADDR                MCP_HOST            HTTP bind address (default 127.0.0.1)
  --allowed-hosts h1,h2      MCP_ALLOWED_HOSTS   Host/Origin names accepted over HTTP
                                                 (default localhost,127.0.0.1,[::1])
  --read-only                MCP_READ_ONLY=true  register only read-only tools
  --allow tool,tool          MCP_ALLOW           register only these tools
  --scope project[,project]  MCP_SCOPE           Argo CD projects the tools may touch (default: all);
                                                 GitHub repositories of their applications only
  --argocd-url URL           ARGOCD_URL          Argo CD server (API under <URL>/api/v1)
                                                 (default http://127.0.0.1:18080/argocd, the sandbox)
  --rollouts-url URL         ARGO_ROLLOUTS_URL   Argo Rollouts dashboard API (under <URL>/api/v1)
                                                 (default http://127.0.0.1:18080/argo-rollouts, the sandbox)
  --github-api-url URL       GITHUB_API_URL      GitHub REST API (default https://api.github.com)
  --timeout-ms N             MCP_TIMEOUT_MS      deadline per tool call (default 20000)
  -h, --help                                     show this help

Credentials come from the environment only, never from flags:
  ARGOCD_TOKEN        bearer token for Argo CD (and Argo Rollouts unless ARGO_ROLLOUTS_TOKEN is set)
  ARGO_ROLLOUTS_TOKEN bearer token for the Argo Rollouts API
  GITHUB_TOKEN        token for GitHub (actions:read, actions:write to re-run and dispatch)

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
  argocdUrl: string;
  rolloutsUrl: string;
  githubApiUrl: string;
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

function httpUrl(flag: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--${flag} must be an http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`--${flag} must be an http(s) URL, got "${value}"`);
  }
  if (url.username || url.password) {
    throw new Error(
      `--${flag} must not carry credentials; use the token environment variables`,
    );
  }
  return value.replace(/\/+$/, '');
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
      'argocd-url': { type: 'string' },
      'rollouts-url': { type: 'string' },
      'github-api-url': { type: 'string' },
      'timeout-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const transport = values.transport ?? env.MCP_TRANSPORT ?? 'stdio';
  if (transport !== 'stdio' && transport !== 'http') {
    throw new Error(`--transport must be stdio or http, got "${transport}"`);
  }
  const port = Number(values.port ?? env.MCP_PORT ?? 18092);
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
    argocdUrl: httpUrl(
      'argocd-url',
      values['argocd-url'] ?? env.ARGOCD_URL ?? 'http://127.0.0.1:18080/argocd',
    ),
    rolloutsUrl: httpUrl(
      'rollouts-url',
      values['rollouts-url'] ??
        env.ARGO_ROLLOUTS_URL ??
        'http://127.0.0.1:18080/argo-rollouts',
    ),
    githubApiUrl: httpUrl(
      'github-api-url',
      values['github-api-url'] ??
        env.GITHUB_API_URL ??
        'https://api.github.com',
    ),
    timeoutMs,
  };
}
