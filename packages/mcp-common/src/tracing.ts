import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';

export interface Tracing {
  /** Sends the spans still buffered and stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing for an MCP server when an OTLP endpoint is
 * configured (the SDK's standard `OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, with the other `OTEL_*` settings;
 * `OTEL_SERVICE_NAME` overrides the name). The portal passes these to the
 * servers it spawns. Outgoing HTTP (node:http, as the Kubernetes client and
 * the AWS SDK use it, and fetch) gets client spans and a `traceparent`
 * header. Returns undefined, and changes nothing, when no endpoint is set.
 */
export function startTracing(options: {
  serviceName: string;
  env?: NodeJS.ProcessEnv;
}): Tracing | undefined {
  const env = options.env ?? process.env;
  if (
    !env.OTEL_EXPORTER_OTLP_ENDPOINT &&
    !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
  ) {
    return undefined;
  }
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || options.serviceName,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      // Only what the tools call: each tool call has its server span from
      // traceToolCalls, also over HTTP.
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
      new UndiciInstrumentation(),
    ],
  });
  sdk.start();
  // Patches node:http and node:https now, also when the modules that call
  // them were loaded before tracing started.
  require('node:http');
  require('node:https');
  let stopped: Promise<void> | undefined;
  const shutdown = () => (stopped ??= sdk.shutdown());
  // A stdio server ends when the portal closes its stdin: flush first.
  process.once('beforeExit', () => void shutdown());
  return { shutdown };
}
