import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startLogEmitter } from './logs';
import { readSeedFile } from './seed';

describe('startLogEmitter', () => {
  it('sends the seeded workloads an hour of JSON lines with the token, payments timeouts included', async () => {
    const seed = readSeedFile(
      path.resolve(__dirname, '../../../catalog/sandbox.yaml'),
    );
    const received: Array<{ auth?: string; body: string }> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', c => (body += c));
      req.on('end', () => {
        received.push({ auth: req.headers.authorization, body });
        res.end('{"accepted":1,"rejected":[]}');
      });
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    const stop = startLogEmitter({
      url: `http://127.0.0.1:${port}/api/log-search/v1/ingest`,
      token: 'test-token',
      seed,
      intervalMs: 60_000,
      backfillPerWorkload: 5,
    });
    try {
      for (let i = 0; i < 100 && received.length === 0; i++) {
        await new Promise(r => setTimeout(r, 20));
      }
      expect(received[0].auth).toBe('Bearer test-token');
      const lines = received[0].body.split('\n').map(l => JSON.parse(l));
      const services = new Set(lines.map(l => l.service));
      expect([...services].sort()).toEqual(
        seed.kubernetes.workloads.map(w => w.component).sort(),
      );
      const hourAgo = Date.now() - 3_600_000 - 1000;
      expect(lines.every(l => Date.parse(l.timestamp) >= hourAgo)).toBe(true);
      expect(
        lines.every(l => l.kubernetes.namespace_name && l.level && l.message),
      ).toBe(true);
      expect(
        lines.filter(
          l =>
            l.service === 'payments' &&
            l.level === 'error' &&
            /timeout/.test(l.message),
        ).length,
      ).toBeGreaterThanOrEqual(3);
    } finally {
      stop();
      await new Promise(r => server.close(() => r(undefined)));
    }
  });
});
