/*
 * Sends log records the way an application instrumented with the
 * OpenTelemetry JS SDK does: LoggerProvider → OTLPLogExporter (protobuf over
 * HTTP). Runs as its own Node process because the exporter loads node:http
 * with a dynamic import, which jest's module sandbox refuses.
 *
 * Input (JSON in argv[2]): { url, authorization, compression, records }, each
 * record { severityNumber, severityText?, body, attributes?, traceId?, spanId? }.
 * Output (JSON on stdout): { results: [code...], errors: [...], warnings: [...] }.
 */
const api = require('@opentelemetry/api');
const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-proto');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const {
  BatchLogRecordProcessor,
  LoggerProvider,
  SimpleLogRecordProcessor,
} = require('@opentelemetry/sdk-logs');

const input = JSON.parse(process.argv[2]);
const out = { results: [], errors: [], warnings: [] };

api.diag.setLogger(
  {
    error: (...args) => out.warnings.push(args.join(' ')),
    warn: (...args) => out.warnings.push(args.join(' ')),
    info: () => {},
    debug: () => {},
    verbose: () => {},
  },
  api.DiagLogLevel.WARN,
);

const exporter = new OTLPLogExporter({
  url: input.url,
  headers: { authorization: input.authorization },
  compression: input.compression,
});
const recording = {
  export(logs, done) {
    exporter.export(logs, result => {
      out.results.push(result.code);
      if (result.error) out.errors.push(String(result.error.message));
      done(result);
    });
  },
  shutdown: () => exporter.shutdown(),
  forceFlush: () => exporter.forceFlush(),
};
const provider = new LoggerProvider({
  resource: resourceFromAttributes(input.resource ?? {}),
  // One batch per flush, so a batch can hold good and bad records together.
  processors: [
    input.batch
      ? new BatchLogRecordProcessor({
          exporter: recording,
          scheduledDelayMillis: 60_000,
        })
      : new SimpleLogRecordProcessor({ exporter: recording }),
  ],
});
const logger = provider.getLogger('pilothouse-test-sender', '1.0.0');

for (const record of input.records) {
  const { traceId, spanId, ...rest } = record;
  logger.emit({
    ...rest,
    ...(traceId
      ? {
          context: api.trace.setSpanContext(api.context.active(), {
            traceId,
            spanId,
            traceFlags: 1,
          }),
        }
      : {}),
  });
}

provider
  .forceFlush()
  .then(() => provider.shutdown())
  .then(() => process.stdout.write(JSON.stringify(out)));
