import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import type { Router } from 'express';
import type { Caller, Gateway } from '../services/Gateway';
import { CallerDeps, callerOf } from './caller';

/** `_meta` keys a client sends with tools/call. */
export const APPROVAL_META_KEY = 'pilothouse.dev/approvalId';
export const ENTITY_META_KEY = 'pilothouse.dev/entityRef';
export const CONVERSATION_META_KEY = 'pilothouse.dev/conversationId';

const errorResult = (
  text: string,
  meta?: Record<string, unknown>,
): CallToolResult => ({
  isError: true,
  content: [{ type: 'text', text }],
  ...(meta ? { _meta: meta } : {}),
});

/** One MCP server for one request, offering exactly the caller's tools. */
function createServer(gateway: Gateway, caller: Caller): Server {
  const server = new Server(
    { name: 'pilothouse-llm-gateway', version: '0.1.0' },
    {
      capabilities: { tools: {} },
      instructions:
        'Pilothouse tools, each checked by the LLM gateway: inspection, policy, approvals and audit. A call that needs an approval answers with its id; retry the identical call with _meta {"pilothouse.dev/approvalId": id} once it is approved.',
    },
  );

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const tools = await gateway.listTools(caller);
    return {
      tools: tools.map(t => ({
        name: t.name,
        description: t.description,
        inputSchema: t.inputSchema as { type: 'object' },
        annotations: {
          readOnlyHint: t.annotations.readOnly,
          destructiveHint: t.annotations.destructive,
          idempotentHint: t.annotations.idempotent,
        },
        ...(t.decision === 'ask'
          ? { _meta: { 'pilothouse.dev/decision': 'ask' } }
          : {}),
      })),
    };
  });

  server.setRequestHandler(CallToolRequestSchema, async request => {
    const meta = (request.params._meta ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    let outcome;
    try {
      outcome = await gateway.callTool(
        {
          tool: request.params.name,
          arguments: (request.params.arguments ?? {}) as Record<
            string,
            unknown
          >,
          approvalId: str(meta[APPROVAL_META_KEY]),
          entityRef: str(meta[ENTITY_META_KEY]),
          conversationId: str(meta[CONVERSATION_META_KEY]),
        },
        caller,
      );
    } catch (error) {
      const e = error as Error;
      // Protocol errors only for unknown tools; other failures are results
      // the model can read.
      if (e.name === 'NotFoundError') {
        throw new McpError(ErrorCode.InvalidParams, e.message);
      }
      if (e.name === 'InputError') {
        throw new McpError(ErrorCode.InvalidParams, e.message);
      }
      return errorResult(`The call failed: ${e.message}`);
    }
    switch (outcome.decision) {
      case 'allow':
        return outcome.result as CallToolResult;
      case 'deny':
        return errorResult(
          `Denied by the Pilothouse gateway: ${outcome.reason}`,
          {
            'pilothouse.dev/decision': 'deny',
            'pilothouse.dev/rule': outcome.rule,
            'pilothouse.dev/auditId': outcome.auditId,
          },
        );
      default:
        return errorResult(
          `Waiting for ${
            outcome.approval === 'confirm'
              ? 'your confirmation'
              : 'an approval by someone else'
          }: ${
            outcome.reason
          }. Approve it in the portal (POST /api/llm-gateway/v1/approvals/${
            outcome.approvalId
          }/approve), then call the tool again with the same arguments and _meta {"${APPROVAL_META_KEY}": "${
            outcome.approvalId
          }"}.`,
          {
            'pilothouse.dev/decision': 'ask',
            [APPROVAL_META_KEY]: outcome.approvalId,
            'pilothouse.dev/auditId': outcome.auditId,
          },
        );
    }
  });
  return server;
}

/**
 * `/mcp`: one aggregated MCP endpoint (stateless Streamable HTTP, a fresh
 * server per request) that lists only the tools the caller may use and puts
 * every call through the gateway.
 *
 * A denied tools/call answers HTTP 200 with a JSON-RPC result whose
 * `isError` is true and whose text gives the reason, not HTTP 403: in MCP the
 * HTTP status belongs to the transport, and clients surface an `isError`
 * result to the model (which can explain or change course) but treat a
 * non-2xx response as a broken connection. The caller's identity is checked
 * at the HTTP level, so a missing or bad token is a real 401.
 *
 * Unlike the standalone MCP servers (packages/mcp-common), no Host/Origin
 * check is needed against DNS rebinding: every request must carry a
 * Backstage token, which a rebound browser page does not have.
 */
export function addMcpRoutes(
  router: Router,
  deps: CallerDeps & { gateway: Gateway },
) {
  router.post('/mcp', async (req, res) => {
    const caller = await callerOf(deps, req, res);
    const server = createServer(deps.gateway, caller);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });

  // Stateless: no server-initiated stream and no session to delete.
  const notAllowed = (_req: unknown, res: import('express').Response) => {
    res
      .status(405)
      .set('allow', 'POST')
      .json({
        jsonrpc: '2.0',
        error: {
          code: ErrorCode.ConnectionClosed,
          message:
            'Method not allowed: this MCP endpoint is stateless, use POST',
        },
        id: null,
      });
  };
  router.get('/mcp', notAllowed);
  router.delete('/mcp', notAllowed);
}
