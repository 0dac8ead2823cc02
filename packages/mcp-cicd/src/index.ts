/**
 * MCP server for CI/CD (Argo CD, Argo Rollouts, GitHub Actions); see
 * README.md. Run as a program it serves over stdio or Streamable HTTP;
 * imported, it exports the factory.
 *
 * @packageDocumentation
 */

import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { startTracing, traceToolCalls } from '@pilothouse/mcp-common';
import { createCicdClients } from './clients';
import { HELP, parseConfig } from './config';
import { startHttpServer } from './http';
import { log } from './logger';
import { createCicdMcpServer, selectTools } from './server';

export { createCicdMcpServer, selectTools } from './server';
export type { CicdMcpOptions } from './server';
export { createCicdClients } from './clients';
export type { CicdEndpoints, CicdClients } from './clients';
export { startHttpServer } from './http';
export { ALL_TOOL_NAMES } from './tools';

/** Starts the server as the command line asks. */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const config = parseConfig(argv, env);
  if (config.help) {
    process.stdout.write(HELP);
    return;
  }
  // Before the clients are made: their HTTP calls carry the trace.
  startTracing({ serviceName: 'mcp-cicd', env });
  // Fail at start-up, not on the first call, when the allow-list is wrong.
  const tools = selectTools(config).map(t => t.name);
  // Tokens are read here and only handed to the clients: never logged.
  const clients = createCicdClients({
    argocdUrl: config.argocdUrl,
    argocdToken: env.ARGOCD_TOKEN || undefined,
    rolloutsUrl: config.rolloutsUrl,
    rolloutsToken: env.ARGO_ROLLOUTS_TOKEN || env.ARGOCD_TOKEN || undefined,
    githubApiUrl: config.githubApiUrl,
    githubToken: env.GITHUB_TOKEN || undefined,
  });
  const createServer = () =>
    createCicdMcpServer({
      clients,
      readOnly: config.readOnly,
      allow: config.allow,
      scope: config.scope,
      timeoutMs: config.timeoutMs,
    });
  const settings = {
    transport: config.transport,
    readOnly: config.readOnly,
    scope: config.scope ?? 'all projects',
    argocdUrl: config.argocdUrl,
    rolloutsUrl: config.rolloutsUrl,
    githubApiUrl: config.githubApiUrl,
    tools,
  };

  if (config.transport === 'stdio') {
    await createServer().connect(traceToolCalls(new StdioServerTransport()));
    log('info', 'serving MCP over stdio', settings);
    return;
  }
  const { url, close } = await startHttpServer({
    port: config.port,
    host: config.host,
    allowedHosts: config.allowedHosts,
    createServer,
  });
  log('info', 'serving MCP over Streamable HTTP', { ...settings, url });
  const stop = () => close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).catch(error => {
    log('error', 'failed to start', { error: String(error?.message ?? error) });
    process.exit(1);
  });
}
