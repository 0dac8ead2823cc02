import { mockCredentials } from '@backstage/backend-test-utils';
import type { LogEvent } from '@pilothouse/plugin-log-search-common';
import http from 'node:http';
import request from 'supertest';
import {
  bearer,
  LogSearchTestEnv,
  serviceBearer,
  startLogSearchBackend,
} from './__testUtils__/testBackend';

jest.setTimeout(60_000);

const minutesAgo = (n: number) =>
  new Date(Date.now() - n * 60_000).toISOString();

const LINES = [
  {
    timestamp: minutesAgo(2),
    level: 'ERROR',
    service: 'payments',
    message: 'upstream timeout calling ledger',
    http: { status_code: 504 },
  },
  {
    timestamp: minutesAgo(3),
    level: 'info',
    service: 'payments',
    message: 'charge accepted',
  },
  {
    timestamp: minutesAgo(4),
    level: 'warn',
    service: 'checkout',
    message: 'slow cart',
  },
]
  .map(line => JSON.stringify(line))
  .join('\n');

describe('log-search routes', () => {
  let env: LogSearchTestEnv;

  beforeEach(async () => {
    env = await startLogSearchBackend();
  });

  afterEach(async () => {
    await env.stop();
  });

  const api = () => request(env.server);

  it('ingests JSON lines from a service, keeps the good lines and names the bad ones', async () => {
    const res = await api()
      .post('/api/log-search/v1/ingest')
      .set('authorization', serviceBearer())
      .set('content-type', 'application/x-ndjson')
      .send(
        `${LINES}\n{"broken": \n{"level":"info","time":"not a time","message":"x"}\n`,
      );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accepted: 3,
      rejected: [
        { line: 4, reason: expect.stringMatching(/^not valid JSON/) },
        {
          line: 5,
          reason: expect.stringMatching(
            /^time: "not a time" is not a timestamp/,
          ),
        },
      ],
    });

    const search = await api()
      .get('/api/log-search/v1/search')
      .query({ q: 'service:payments AND level:error AND "timeout"' })
      .set('authorization', bearer('bob'));
    expect(search.status).toBe(200);
    expect(search.body.total).toBe(1);
    expect(search.body.events).toEqual([
      expect.objectContaining({
        message: 'upstream timeout calling ledger',
        severity: 'error',
        service: 'payments',
        // The catalog has component:default/payments; checkout is not there.
        entityRef: 'component:default/payments',
        source: 'jsonl',
        attributes: { 'http.status_code': 504 },
      }),
    ]);
    const checkout = await api()
      .get('/api/log-search/v1/search')
      .query({ q: 'service:checkout' })
      .set('authorization', bearer('bob'));
    expect(checkout.body.events[0].entityRef).toBeUndefined();

    // Processors saw the stored batch once, after storage; a failing one
    // did not lose it.
    expect(env.processed).toHaveLength(1);
    expect(env.processed[0].map((e: LogEvent) => e.message)).toEqual([
      'upstream timeout calling ledger',
      'charge accepted',
      'slow cart',
    ]);
  });

  it('lets a user send events only with log-search.events.create', async () => {
    const denied = await api()
      .post('/api/log-search/v1/ingest')
      .set('authorization', bearer('bob'))
      .send(LINES);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/log-search\.events\.create/);

    const allowed = await api()
      .post('/api/log-search/v1/ingest')
      .set('authorization', bearer('alice'))
      .send(LINES);
    expect(allowed.body.accepted).toBe(3);

    const anonymous = await api()
      .post('/api/log-search/v1/ingest')
      .set('authorization', mockCredentials.none.header())
      .send(LINES);
    expect(anonymous.status).toBe(401);
  });

  it('refuses an oversized body with 413 naming the limit', async () => {
    const line = JSON.stringify({ message: 'x'.repeat(1000) });
    const res = await api()
      .post('/api/log-search/v1/ingest')
      .set('authorization', serviceBearer())
      .send(Array(100).fill(line).join('\n'));
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(
      /over the limit of 65536 bytes \(logSearch\.ingest\.maxBodyBytes\)/,
    );
  });

  it('takes OTLP/JSON and names rejected records in partialSuccess', async () => {
    const nowNs = `${Date.now()}000000`;
    const body = {
      resourceLogs: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: 'payments' } },
            ],
          },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: nowNs,
                  severityNumber: 17,
                  body: { stringValue: 'otlp timeout' },
                },
                { timeUnixNano: 'soon', body: { stringValue: 'bad' } },
                { timeUnixNano: nowNs, body: { stringValue: 'otlp fine' } },
              ],
            },
          ],
        },
      ],
    };
    const res = await api()
      .post('/api/log-search/v1/otlp/v1/logs')
      .set('authorization', serviceBearer())
      .send(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      partialSuccess: {
        rejectedLogRecords: '1',
        errorMessage:
          '1 log record(s) rejected: record 2: timeUnixNano: "soon" is not nanoseconds since the epoch',
      },
    });
    const ok = await api()
      .post('/api/log-search/v1/otlp/v1/logs')
      .set('authorization', serviceBearer())
      .send({
        resourceLogs: [
          {
            scopeLogs: [
              { logRecords: [{ body: { stringValue: 'all good' } }] },
            ],
          },
        ],
      });
    expect(ok.body).toEqual({});

    const search = await api()
      .get('/api/log-search/v1/search')
      .query({ q: 'source:otlp AND timeout' })
      .set('authorization', bearer('bob'));
    expect(
      search.body.events.map((e: LogEvent) => [
        e.message,
        e.severity,
        e.entityRef,
      ]),
    ).toEqual([['otlp timeout', 'error', 'component:default/payments']]);

    const notOtlp = await api()
      .post('/api/log-search/v1/otlp/v1/logs')
      .set('authorization', serviceBearer())
      .send({ logs: [] });
    expect(notOtlp.status).toBe(400);
  });

  it('answers a query syntax error with 400 and the position', async () => {
    const res = await api()
      .get('/api/log-search/v1/search')
      .query({ q: 'service:payments AND (level:error' })
      .set('authorization', bearer('bob'));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /^Query syntax error at position 34/,
    );

    const badTime = await api()
      .get('/api/log-search/v1/search')
      .query({ from: 'last tuesday' })
      .set('authorization', bearer('bob'));
    expect(badTime.status).toBe(400);
    expect(badTime.body.error.message).toMatch(
      /^from: 'last tuesday' is not a time/,
    );
  });

  it('needs log-search.events.read to search', async () => {
    const res = await api()
      .get('/api/log-search/v1/search')
      .set('authorization', bearer('mallory'));
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/log-search\.events\.read/);
    const anonymous = await api()
      .get('/api/log-search/v1/search')
      .set('authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });

  it('pages search results and buckets them in a histogram', async () => {
    await api()
      .post('/api/log-search/v1/ingest')
      .set('authorization', serviceBearer())
      .send(LINES);
    const first = await api()
      .get('/api/log-search/v1/search')
      .query({ limit: 2, from: 'now-15m' })
      .set('authorization', bearer('bob'));
    expect(first.body.events).toHaveLength(2);
    expect(first.body.total).toBe(3);
    const second = await api()
      .get('/api/log-search/v1/search')
      .query({ limit: 2, from: 'now-15m', cursor: first.body.nextCursor })
      .set('authorization', bearer('bob'));
    expect(second.body.events.map((e: LogEvent) => e.message)).toEqual([
      'slow cart',
    ]);
    expect(second.body.nextCursor).toBeUndefined();

    const histogram = await api()
      .get('/api/log-search/v1/histogram')
      .query({ from: 'now-10m', buckets: 10 })
      .set('authorization', bearer('bob'));
    expect(histogram.status).toBe(200);
    expect(histogram.body.intervalMs).toBe(60_000);
    expect(histogram.body.buckets.length).toBeGreaterThanOrEqual(10);
    const totals = histogram.body.buckets.reduce(
      (
        sum: { count: number; errors: number },
        b: { count: number; errors: number },
      ) => ({
        count: sum.count + b.count,
        errors: sum.errors + b.errors,
      }),
      { count: 0, errors: 0 },
    );
    expect(totals).toEqual({ count: 3, errors: 1 });
  });

  it('streams newly ingested matching events over the live tail, and closes cleanly', async () => {
    const { port } = env.server.address() as { port: number };
    const received: string[] = [];
    let ended = false;
    const connected = new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.get(
        {
          port,
          path: `/api/log-search/v1/tail?q=${encodeURIComponent(
            'level:error',
          )}`,
          headers: { authorization: bearer('bob') },
        },
        res => {
          res.setEncoding('utf8');
          res.on('data', chunk => received.push(chunk));
          res.on('end', () => {
            ended = true;
          });
          resolve(res);
        },
      );
      req.on('error', reject);
    });
    const res = await connected;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);

    await api()
      .post('/api/log-search/v1/ingest')
      .set('authorization', serviceBearer())
      .send(LINES);
    for (let i = 0; i < 50 && !received.join('').includes('event: log'); i++) {
      await new Promise(r => setTimeout(r, 20));
    }
    const frames = received
      .join('')
      .split('\n\n')
      .filter(frame => frame.startsWith('event: log'));
    expect(frames).toHaveLength(1);
    const data = JSON.parse(
      frames[0]
        .split('\n')
        .find(l => l.startsWith('data: '))!
        .slice(6),
    );
    expect(data).toMatchObject({
      message: 'upstream timeout calling ledger',
      severity: 'error',
    });

    await env.stop();
    for (let i = 0; i < 50 && !ended; i++)
      await new Promise(r => setTimeout(r, 20));
    expect(ended).toBe(true);
    env = await startLogSearchBackend();
  });

  it('keeps saved searches per user', async () => {
    const created = await api()
      .post('/api/log-search/v1/saved-searches')
      .set('authorization', bearer('bob'))
      .send({
        name: 'payment timeouts',
        query: 'service:payments AND timeout',
        range: '24h',
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'payment timeouts',
      owner: 'user:default/bob',
      range: '24h',
    });
    expect(
      (
        await api()
          .get('/api/log-search/v1/saved-searches')
          .set('authorization', bearer('bob'))
      ).body.items,
    ).toHaveLength(1);
    expect(
      (
        await api()
          .get('/api/log-search/v1/saved-searches')
          .set('authorization', bearer('carol'))
      ).body.items,
    ).toEqual([]);
    expect(
      (
        await api()
          .delete(`/api/log-search/v1/saved-searches/${created.body.id}`)
          .set('authorization', bearer('carol'))
      ).status,
    ).toBe(404);

    const bad = await api()
      .post('/api/log-search/v1/saved-searches')
      .set('authorization', bearer('bob'))
      .send({ name: 'broken', query: 'level:(' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/Query syntax error at position/);
    const unnamed = await api()
      .post('/api/log-search/v1/saved-searches')
      .set('authorization', bearer('bob'))
      .send({ query: 'x', owner: 'user:default/alice' });
    expect(unnamed.body.error.message).toMatch(
      /name: Required; .*unknown field owner/,
    );

    expect(
      (
        await api()
          .delete(`/api/log-search/v1/saved-searches/${created.body.id}`)
          .set('authorization', bearer('bob'))
      ).status,
    ).toBe(204);
  });

  it('stores the gateway audit records it is sent as source audit', async () => {
    await env.events.publish({
      topic: 'llm-gateway.audit',
      eventPayload: {
        id: 'a1',
        seq: 7,
        time: new Date().toISOString(),
        actor: 'user:default/bob',
        kind: 'tool',
        target: 'kubernetes.delete_pod',
        decision: 'deny',
        rule: 'destructive-needs-approval',
        findings: { 'SECRET:aws-access-key': 1 },
        prevHash: 'x',
        hash: 'y',
      },
    });
    const res = await api()
      .get('/api/log-search/v1/search')
      .query({ q: 'source:audit AND decision:deny' })
      .set('authorization', bearer('bob'));
    expect(res.body.events).toEqual([
      expect.objectContaining({
        service: 'llm-gateway',
        severity: 'warn',
        message: 'tool kubernetes.delete_pod deny for user:default/bob',
        attributes: {
          auditId: 'a1',
          seq: 7,
          actor: 'user:default/bob',
          kind: 'tool',
          target: 'kubernetes.delete_pod',
          decision: 'deny',
          rule: 'destructive-needs-approval',
          'findings.SECRET:aws-access-key': 1,
        },
      }),
    ]);
  });
});
