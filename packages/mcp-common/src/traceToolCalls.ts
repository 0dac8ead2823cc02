import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';
import type {
  Transport,
  TransportSendOptions,
} from '@modelcontextprotocol/sdk/shared/transport.js';
import type {
  JSONRPCMessage,
  MessageExtraInfo,
  RequestId,
} from '@modelcontextprotocol/sdk/types.js';

const SCOPE = 'pilothouse-mcp-server';

/** Reads `traceparent` / `tracestate` from a request's `_meta`. */
const metaGetter: TextMapGetter<Record<string, unknown>> = {
  keys: carrier => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === 'string' ? value : undefined;
  },
};

type ToolCallRequest = {
  id: RequestId;
  method: 'tools/call';
  params: { name?: unknown; _meta?: Record<string, unknown> };
};

function isToolCall(
  message: JSONRPCMessage,
): message is JSONRPCMessage & ToolCallRequest {
  return (
    'method' in message &&
    message.method === 'tools/call' &&
    'id' in message &&
    typeof message.params === 'object' &&
    message.params !== null
  );
}

/**
 * A transport that continues the caller's trace for each `tools/call`: the
 * W3C trace context in the request's `_meta` (`traceparent`, `tracestate`,
 * as MCP clients send it over stdio and HTTP alike) becomes the parent of a
 * server span that lasts until the response is sent, and the tool's handler
 * runs in it, so the HTTP calls it makes carry the same trace id. Without a
 * registered tracer provider the spans are no-ops.
 */
export class TracedTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(
    message: T,
    extra?: MessageExtraInfo,
  ) => void;
  private readonly spans = new Map<RequestId, Span>();

  constructor(private readonly inner: Transport) {
    inner.onclose = () => this.onclose?.();
    inner.onerror = error => this.onerror?.(error);
    inner.onmessage = (message, extra) => this.receive(message, extra);
  }

  get sessionId() {
    return this.inner.sessionId;
  }

  start() {
    return this.inner.start();
  }

  close() {
    for (const span of this.spans.values()) span.end();
    this.spans.clear();
    return this.inner.close();
  }

  setProtocolVersion(version: string) {
    this.inner.setProtocolVersion?.(version);
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions) {
    if ('id' in message && message.id !== undefined && !('method' in message)) {
      const span = this.spans.get(message.id);
      if (span) {
        this.spans.delete(message.id);
        const failed =
          'error' in message ||
          ('result' in message &&
            (message.result as { isError?: boolean }).isError === true);
        if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    }
    return this.inner.send(message, options);
  }

  private receive(message: JSONRPCMessage, extra?: MessageExtraInfo) {
    if (!isToolCall(message)) {
      this.onmessage?.(message, extra);
      return;
    }
    const tool = String(message.params.name);
    const parent = propagation.extract(
      ROOT_CONTEXT,
      message.params._meta ?? {},
      metaGetter,
    );
    const span = trace.getTracer(SCOPE).startSpan(
      `tools/call ${tool}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'mcp.method.name': 'tools/call',
          'gen_ai.tool.name': tool,
          'jsonrpc.request.id': String(message.id),
        },
      },
      parent,
    );
    this.spans.set(message.id, span);
    // The SDK runs the handler on a promise chain started here, which
    // keeps this context (AsyncLocalStorage) to the end of the call.
    context.with(trace.setSpan(parent, span), () =>
      this.onmessage?.(message, extra),
    );
  }
}

/** Wraps a transport so tool calls continue the caller's trace (see {@link TracedTransport}). */
export function traceToolCalls(transport: Transport): Transport {
  return new TracedTransport(transport);
}
