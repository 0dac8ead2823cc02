/*
 * The backend's own telemetry, loaded with `node --require` before the
 * backend (as Backstage's "Setup OpenTelemetry" guide does), so that the
 * metrics service and the HTTP instrumentation are in place when plugins
 * start. Each part is off unless configured:
 *
 * - Metrics for Prometheus at http://HOST:PORT/metrics on their own port,
 *   away from the portal's routes: PILOTHOUSE_METRICS_PORT (for example
 *   9464); PILOTHOUSE_METRICS_HOST defaults to 0.0.0.0.
 * - Traces over OTLP/HTTP: the SDK's standard OTEL_EXPORTER_OTLP_ENDPOINT or
 *   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (OTEL_SERVICE_NAME,
 *   OTEL_RESOURCE_ATTRIBUTES and OTEL_BSP_* apply too). Incoming requests
 *   continue the browser's `traceparent`; outgoing HTTP (node:http and
 *   fetch) carries it on; MCP servers get it in each call's `_meta`.
 *
 * Only the instrumentations the portal needs (http, express, undici for
 * Node's fetch), not the auto-instrumentations bundle.
 */
const { isMainThread } = require('node:worker_threads');

/** Requests that are not user actions: health probes. */
const IGNORED_PATHS = /^\/\.backstage\/health\//;

function tracingConfigured(env) {
  return Boolean(
    env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
  );
}

/**
 * Starts what the environment configures; returns a function that flushes
 * and stops it. Exported for the tests, which start it in their process and
 * may pass their own span processors instead of the OTLP exporter (whose
 * transport loads node:http with import(), which jest cannot run).
 */
function startTelemetry(options = {}) {
  const env = process.env;
  const metricsPort = env.PILOTHOUSE_METRICS_PORT;
  const tracing = tracingConfigured(env) || Boolean(options.spanProcessors);
  if (!metricsPort && !tracing) return async () => {};

  const { NodeSDK } = require('@opentelemetry/sdk-node');
  const metricReaders = [];
  if (metricsPort) {
    const {
      PrometheusExporter,
    } = require('@opentelemetry/exporter-prometheus');
    metricReaders.push(
      new PrometheusExporter({
        port: Number(metricsPort),
        host: env.PILOTHOUSE_METRICS_HOST || '0.0.0.0',
      }),
    );
  }
  const instrumentations = [];
  if (tracing) {
    const {
      HttpInstrumentation,
    } = require('@opentelemetry/instrumentation-http');
    const {
      ExpressInstrumentation,
    } = require('@opentelemetry/instrumentation-express');
    const {
      UndiciInstrumentation,
    } = require('@opentelemetry/instrumentation-undici');
    instrumentations.push(
      new HttpInstrumentation({
        ignoreIncomingRequestHook: req => IGNORED_PATHS.test(req.url ?? ''),
      }),
      new ExpressInstrumentation(),
      new UndiciInstrumentation(),
    );
  }
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || 'pilothouse-backend',
    metricReaders,
    // Without span processors, NodeSDK builds the OTLP exporter from the
    // OTEL_* variables (http/protobuf unless OTEL_EXPORTER_OTLP_PROTOCOL or
    // OTEL_TRACES_EXPORTER say otherwise).
    ...(options.spanProcessors || !tracing
      ? { spanProcessors: options.spanProcessors ?? [] }
      : {}),
    // Logs go through Backstage's logger, not OTLP.
    logRecordProcessors: [],
    instrumentations,
  });
  sdk.start();
  if (tracing) {
    // Patches node:http and node:https now, also where they were loaded first.
    require('node:http');
    require('node:https');
  }
  return () => sdk.shutdown();
}

// Once per process, in the main thread (not in worker threads).
if (isMainThread && !globalThis.__pilothouseTelemetry) {
  globalThis.__pilothouseTelemetry = true;
  startTelemetry();
}

module.exports = { startTelemetry };
