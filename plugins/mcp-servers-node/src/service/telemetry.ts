import {
  context,
  metrics,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Histogram,
} from '@opentelemetry/api';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

const SCOPE = 'pilothouse-mcp-servers';

/** How a tool call ended: answered, answered with `isError`, or not answered. */
export type ToolCallOutcome = 'ok' | 'tool_error' | 'failed';

let duration: Histogram | undefined;

// Created on first use, not at import: the meter provider is registered by
// the backend's instrumentation before the first call, and a meter taken
// earlier from @opentelemetry/api would stay a no-op.
function durationHistogram(): Histogram {
  duration ??= metrics
    .getMeter(SCOPE)
    .createHistogram('mcp.tool_call.duration', {
      description:
        'Round trip of MCP tool calls from the portal, by server and outcome (ok, tool_error, failed)',
      unit: 'ms',
      advice: {
        explicitBucketBoundaries: [
          5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
        ],
      },
    });
  return duration;
}

/**
 * Runs one tool call in a client span, with the W3C trace context put in
 * the request's `_meta` (`traceparent`, `tracestate`: the convention MCP
 * servers read, over stdio as over HTTP), and records its latency and
 * outcome.
 */
export async function tracedToolCall(
  serverId: string,
  tool: string,
  meta: Record<string, unknown> | undefined,
  call: (meta: Record<string, unknown> | undefined) => Promise<CallToolResult>,
): Promise<CallToolResult> {
  const tracer = trace.getTracer(SCOPE);
  const span = tracer.startSpan(`tools/call ${tool}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': tool,
      'pilothouse.mcp.server': serverId,
    },
  });
  const active = trace.setSpan(context.active(), span);
  const carrier: Record<string, string> = {};
  propagation.inject(active, carrier);
  const withTrace =
    Object.keys(carrier).length > 0 ? { ...meta, ...carrier } : meta;
  const started = performance.now();
  let outcome: ToolCallOutcome = 'failed';
  try {
    const result = await context.with(active, () => call(withTrace));
    outcome = result.isError ? 'tool_error' : 'ok';
    if (result.isError) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'tool error' });
    }
    return result;
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: (error as Error).message,
    });
    throw error;
  } finally {
    durationHistogram().record(performance.now() - started, {
      server: serverId,
      outcome,
    });
    span.end();
  }
}

/**
 * The OpenTelemetry variables a spawned stdio server needs to export its
 * own spans where the backend's go: the SDK's standard `OTEL_*` settings,
 * passed on unless the server's config sets them itself.
 */
export function telemetryEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        entry[0].startsWith('OTEL_') && entry[1] !== undefined,
    ),
  );
}
