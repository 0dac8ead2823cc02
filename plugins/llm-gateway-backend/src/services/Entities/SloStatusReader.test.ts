import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { SloStatusReader } from './SloStatusReader';

/*
 * The SLO backend's status route is stood in for by a small server that
 * answers as plugins/slo-backend does (its own tests cover the real one);
 * what is tested here is how the gateway reads it: with its own service
 * token, briefly cached, and failing safe.
 */
describe('SloStatusReader', () => {
  let server: Server;
  let url: string;
  const calls: Array<{ entityRef: string; authorization?: string }> = [];
  let answer: (entityRef: string) => {
    status: number;
    body?: unknown;
  } = ref => ({
    status: 200,
    body: {
      entityRef: ref,
      burning: ref === 'component:default/payments',
      warning: false,
      slos: [],
    },
  });

  beforeAll(async () => {
    const app = express();
    app.get('/api/slo/v1/status', (req, res) => {
      const entityRef = String(req.query.entityRef);
      calls.push({ entityRef, authorization: req.headers.authorization });
      const { status, body } = answer(entityRef);
      res.status(status).json(body ?? { error: { message: 'broken' } });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise(r => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise(r => server.close(r)));

  const reader = (base = url, cacheMs?: number) =>
    new SloStatusReader({
      discovery: {
        getBaseUrl: async (pluginId: string) => `${base}/api/${pluginId}`,
        getExternalBaseUrl: async (pluginId: string) =>
          `${base}/api/${pluginId}`,
      },
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      cacheMs,
    });

  it('reads whether an entity burns, with the gateway’s own token, and caches it', async () => {
    const slo = reader();
    expect(await slo.burning('component:default/payments')).toBe(true);
    expect(await slo.burning('component:default/checkout')).toBe(false);
    expect(await slo.burning('component:default/payments')).toBe(true);
    expect(calls.map(c => c.entityRef)).toEqual([
      'component:default/payments',
      'component:default/checkout',
    ]);
    expect(calls[0].authorization).toMatch(/^Bearer .+/);
  });

  it('counts an entity as burning when its status cannot be read', async () => {
    answer = () => ({ status: 500 });
    expect(await reader(url, 0).burning('component:default/checkout')).toBe(
      true,
    );
    expect(
      await reader('http://127.0.0.1:1').burning('component:default/checkout'),
    ).toBe(true);
    answer = () => ({ status: 200, body: { entityRef: 'x' } });
    expect(await reader(url, 0).burning('component:default/checkout')).toBe(
      true,
    );
  });
});
