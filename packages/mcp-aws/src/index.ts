/**
 * MCP server for AWS operations; see README.md. Run as a program it serves
 * over stdio or Streamable HTTP; imported, it exports the factory.
 *
 * @packageDocumentation
 */

import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { startTracing, traceToolCalls } from '@pilothouse/mcp-common';
import { HELP, parseConfig } from './config';
import { startHttpServer } from './http';
import { log } from './logger';
import { loadRoleMap } from './roles';
import { createAwsMcpServer, createAwsRuntime, selectTools } from './server';
import { ALL_TOOL_NAMES } from './tools';

export {
  createAwsMcpServer,
  createAwsRuntime,
  selectTools,
  USER_META_KEY,
} from './server';
export type { AwsMcpOptions, AwsRuntime } from './server';
export { startHttpServer } from './http';
export { loadRoleMap } from './roles';
export type { RoleMap } from './roles';
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
  startTracing({ serviceName: 'mcp-aws', env });
  // Fail at start-up, not on the first call, when the allow-list or role map is wrong.
  const tools = selectTools(config).map(t => t.name);
  const roleMap = config.roleMap
    ? loadRoleMap(config.roleMap, ALL_TOOL_NAMES)
    : undefined;
  if (!roleMap) {
    log('warn', 'no role map: every AWS call will be refused', {
      hint: 'pass --role-map or MCP_AWS_ROLE_MAP',
    });
  }
  const runtime = createAwsRuntime({ roleMap, region: config.region });
  const createServer = () =>
    createAwsMcpServer({
      runtime,
      region: config.region,
      readOnly: config.readOnly,
      allow: config.allow,
      scope: config.scope,
      user: config.user,
      catalogPath: config.catalog,
      timeoutMs: config.timeoutMs,
    });
  const settings = {
    transport: config.transport,
    readOnly: config.readOnly,
    region: config.region,
    scope: config.scope ?? 'any',
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
