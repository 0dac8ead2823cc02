import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { traceToolCalls } from './traceToolCalls';

const MAX_BODY_BYTES = 1024 * 1024;

/** Writes one log line; each server passes its own (redacting) logger. */
export type HttpServerLog = (
  level: 'info' | 'warn' | 'error',
  message: string,
  meta?: Record<string, unknown>,
) => void;

export interface HttpServerOptions {
  /** Where refusals and failures are logged (stderr; never stdout). */
  log: HttpServerLog;
  port: number;
  host: string;
  /** Host names accepted in the Host and Origin headers (DNS-rebinding protection). */
  allowedHosts: string[];
  /** Builds a fresh MCP server; called once per request (stateless mode). */
  createServer(): McpServer;
}

function jsonRpcError(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      jsonrpc: '2.0',
      error: { code: -32000, message },
      id: null,
    }),
  );
}

function hostnameOf(value: string, withScheme: boolean): string | undefined {
  try {
    return new URL(withScheme ? value : `http://${value}`).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Rejects requests whose Host or Origin is not an allowed name, so a web page
 * on another site cannot reach a server on localhost via DNS rebinding.
 */
function checkHostAndOrigin(
  req: IncomingMessage,
  allowed: string[],
): string | undefined {
  const host = req.headers.host;
  const hostname = host ? hostnameOf(host, false) : undefined;
  if (!hostname || !allowed.includes(hostname)) {
    return `Host "${
      host ?? ''
    }" is not allowed; start the server with --allowed-hosts to accept it`;
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    const originHost = hostnameOf(origin, true);
    if (!originHost || !allowed.includes(originHost)) {
      return `Origin "${origin}" is not allowed`;
    }
  }
  return undefined;
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new Error('request body too large');
    }
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** Stateless Streamable HTTP at /mcp: a fresh server and transport for every request. */
export async function startHttpServer(
  options: HttpServerOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const httpServer = http.createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const refusal = checkHostAndOrigin(req, options.allowedHosts);
    if (refusal) {
      options.log('warn', 'request refused', { reason: refusal });
      jsonRpcError(res, 403, refusal);
      return;
    }
    if (path !== '/mcp') {
      jsonRpcError(res, 404, 'Not found; the MCP endpoint is /mcp');
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      jsonRpcError(
        res,
        405,
        'Method not allowed: this server is stateless, use POST /mcp',
      );
      return;
    }
    let body: unknown;
    try {
      body = await readJsonBody(req);
    } catch (error) {
      jsonRpcError(
        res,
        400,
        `Invalid request body: ${(error as Error).message}`,
      );
      return;
    }
    const server = options.createServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
    });
    res.on('close', () => {
      transport.close().catch(() => {});
      server.close().catch(() => {});
    });
    try {
      await server.connect(traceToolCalls(transport));
      await transport.handleRequest(req, res, body);
    } catch (error) {
      options.log('error', 'MCP request failed', { error: String(error) });
      if (!res.headersSent) {
        jsonRpcError(res, 500, 'Internal server error');
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  const host =
    address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/mcp`,
    close: () =>
      new Promise<void>(resolve => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      }),
  };
}
