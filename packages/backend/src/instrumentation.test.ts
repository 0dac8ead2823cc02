import { spawn } from 'node:child_process';
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
