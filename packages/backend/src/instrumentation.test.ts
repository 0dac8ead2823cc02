import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

jest.setTimeout(60_000);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// What Backstage's metrics service does for the gateway plugin, in a process
// started the way scripts/start.sh and the Dockerfile start the backend.
const plugin = `
  const { metrics } = require('@opentelemetry/api');
  const meter = metrics.getMeter('backstage-plugin-llm-gateway');
  meter.createCounter('llm_gateway.decisions')
    .add(1, { kind: 'model', decision: 'allow' });
  process.stdout.write('recorded\\n');
  setTimeout(() => {}, 60000);
`;

describe('instrumentation.js', () => {
  it('serves metrics recorded through OpenTelemetry at /metrics', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['--require', './src/instrumentation.js', '-e', plugin],
      {
        cwd: path.resolve(__dirname, '..'),
        env: {
          ...process.env,
          PILOTHOUSE_METRICS_PORT: String(port),
          PILOTHOUSE_METRICS_HOST: '127.0.0.1',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', () => resolve());
        child.once('exit', code => reject(new Error(`exited with ${code}`)));
      });
      let text = '';
      for (let attempt = 0; attempt < 50 && !text; attempt++) {
        text = await fetch(`http://127.0.0.1:${port}/metrics`)
          .then(res => res.text())
          .catch(() => new Promise<string>(r => setTimeout(() => r(''), 200)));
      }
      expect(text.split('\n')).toContain(
        'llm_gateway_decisions_total{kind="model",decision="allow",otel_scope_name="backstage-plugin-llm-gateway"} 1',
      );
    } finally {
      child.kill();
    }
  });
});

// A backend's HTTP server, in a process started the way scripts/start.sh
// and the Dockerfile start the backend; it prints its port.
const server = `
  const http = require('node:http');
  const app = http.createServer((req, res) => res.end('ok'));
  app.listen(0, '127.0.0.1', () => {
    process.stdout.write(app.address().port + '\\n');
  });
`;

describe('instrumentation.js tracing', () => {
  it("continues a caller's traceparent and exports the spans over OTLP", async () => {
    const received: Array<{
      traceId: string;
      parentSpanId: string;
      service: string;
    }> = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', chunk => (body += chunk));
      req.on('end', () => {
        for (const rs of JSON.parse(body).resourceSpans ?? []) {
          const service = rs.resource.attributes.find(
            (a: any) => a.key === 'service.name',
          )?.value.stringValue;
          for (const ss of rs.scopeSpans ?? []) {
            for (const span of ss.spans ?? []) {
              received.push({
                traceId: span.traceId,
                parentSpanId: span.parentSpanId,
                service,
              });
            }
          }
        }
        res.end('{}');
      });
    });
    await new Promise<void>(resolve =>
      receiver.listen(0, '127.0.0.1', resolve),
    );
    const { port: receiverPort } = receiver.address() as net.AddressInfo;
    const child = spawn(
      process.execPath,
      ['--require', './src/instrumentation.js', '-e', server],
      {
        cwd: path.resolve(__dirname, '..'),
        env: {
          ...process.env,
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiverPort}`,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_BSP_SCHEDULE_DELAY: '100',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.on('data', data => resolve(Number(String(data).trim())));
        child.once('exit', code => reject(new Error(`exited with ${code}`)));
      });
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const browserSpanId = '00f067aa0ba902b7';
      await fetch(
        `http://127.0.0.1:${port}/api/ai-assistant/v1/conversations`,
        {
          method: 'POST',
          headers: { traceparent: `00-${traceId}-${browserSpanId}-01` },
        },
      );
      for (let attempt = 0; attempt < 100; attempt++) {
        if (received.some(s => s.traceId === traceId)) break;
        await new Promise(r => setTimeout(r, 100));
      }
      expect(received).toContainEqual({
        traceId,
        parentSpanId: browserSpanId,
        service: 'pilothouse-backend',
      });
    } finally {
      child.kill();
      receiver.close();
    }
  });
});
