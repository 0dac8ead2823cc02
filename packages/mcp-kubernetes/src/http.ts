import {
  HttpServerOptions,
  startHttpServer as startMcpHttpServer,
} from '@pilothouse/mcp-common';
import { log } from './logger';

/** Stateless Streamable HTTP at /mcp, logging through this server's redacting logger. */
export function startHttpServer(options: Omit<HttpServerOptions, 'log'>) {
  return startMcpHttpServer({ ...options, log });
}
