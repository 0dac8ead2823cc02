/*
 * Metrics for Prometheus: loaded with `node --require` before the backend,
 * so that Backstage's metrics service (OpenTelemetry) finds this meter
 * provider when plugins start. Serves http://HOST:PORT/metrics on its own
 * port, away from the portal's routes. Off unless PILOTHOUSE_METRICS_PORT
 * is set (for example 9464); PILOTHOUSE_METRICS_HOST defaults to 0.0.0.0.
 */
const { isMainThread } = require('node:worker_threads');

const port = process.env.PILOTHOUSE_METRICS_PORT;
if (isMainThread && port) {
  const { metrics } = require('@opentelemetry/api');
  const { MeterProvider } = require('@opentelemetry/sdk-metrics');
  const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');

  const exporter = new PrometheusExporter({
    port: Number(port),
    host: process.env.PILOTHOUSE_METRICS_HOST || '0.0.0.0',
  });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
}
