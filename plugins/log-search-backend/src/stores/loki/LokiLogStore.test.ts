/**
 * Loki cannot run here: the adapter's LogQL is checked as text, and its
 * reading of Loki's query_range answers (streams and matrices, in the
 * shapes Loki's HTTP API documents) against a local HTTP server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseQuery } from '../../query/parseQuery';
import { LokiLogStore, toLogQL } from './LokiLogStore';

describe('toLogQL', () => {
  it.each([
    ['', '{service_name=~".+"}'],
    ['service:payments', '{service_name="payments"}'],
    [
      'service:payments AND level:error AND "timeout"',
      '{service_name="payments"} | detected_level="error" |~ "(?i)\\\\btimeout\\\\b"',
    ],
    [
      'NOT "health check"',
      '{service_name=~".+"} !~ "(?i)\\\\bhealth[^\\\\pL\\\\pN]+check\\\\b"',
    ],
    ['time*', '{service_name=~".+"} |~ "(?i)\\\\btime"'],
    [
      'k8s.namespace.name:payments OR status:[500 TO 599]',
      '{service_name=~".+"} | (k8s_namespace_name="payments" or (status >= 500 and status <= 599))',
    ],
    [
      'NOT (region:eu* AND status:>=500)',
      '{service_name=~".+"} | (region!~"(?i)eu.*" or status < 500)',
    ],
    [
      'level:>=error',
      '{service_name=~".+"} | detected_level=~"(?i)(error|fatal)"',
    ],
    ['traceId:*', '{service_name=~".+"} | trace_id!=""'],
  ])('%s → %s', (query, logql) => {
    expect(toLogQL(parseQuery(query))).toBe(logql);
  });

  it('refuses what LogQL cannot say, naming why', () => {
    expect(() => toLogQL(parseQuery('timeout OR level:error'))).toThrow(
      /LogQL cannot express/,
    );
  });
});

function startLokiStandIn(answer: (url: URL) => unknown) {
  const requests: Array<{ url: URL; headers: http.IncomingHttpHeaders }> = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://loki');
    requests.push({ url, headers: req.headers });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'success', data: answer(url) }));
  });
  return new Promise<{
    url: string;
    requests: typeof requests;
    close(): Promise<void>;
  }>(resolve =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise(r => server.close(() => r())),
      });
    }),
  );
}

const FROM = Date.parse('2026-11-26T09:00:00Z');
const TO = Date.parse('2026-11-26T10:00:00Z');
const at = (iso: string) => Date.parse(iso);
const ns = (ms: number) => `${ms}000000`;

describe('LokiLogStore', () => {
  it('reads streams newest first across streams, and pages by time', async () => {
    const loki = await startLokiStandIn(() => ({
      resultType: 'streams',
      result: [
        {
          stream: {
            service_name: 'payments',
            detected_level: 'error',
            k8s_namespace_name: 'payments',
          },
          values: [
            [ns(at('2026-11-26T09:39:00Z')), 'upstream timeout'],
            [ns(at('2026-11-26T09:38:00Z')), 'timeout again'],
          ],
        },
        {
          stream: { service_name: 'checkout', detected_level: 'info' },
          values: [
            [ns(at('2026-11-26T09:38:30Z')), 'cart ok', { trace_id: 'abc' }],
          ],
        },
      ],
    }));
    try {
      const store = new LokiLogStore({ url: loki.url, tenant: 'team-a' });
      const page = await store.search({
        query: parseQuery('timeout cart'),
        range: { from: FROM, to: TO },
        limit: 2,
      });
      expect(
        page.events.map(e => [e.timestamp, e.service, e.severity, e.message]),
      ).toEqual([
        ['2026-11-26T09:39:00.000Z', 'payments', 'error', 'upstream timeout'],
        ['2026-11-26T09:38:30.000Z', 'checkout', 'info', 'cart ok'],
      ]);
      expect(page.events[0].attributes).toEqual({
        k8s_namespace_name: 'payments',
      });
      expect(page.events[1].attributes).toEqual({ trace_id: 'abc' });
      expect(page.events[0].source).toBe('loki');
      expect(page.totalIsLowerBound).toBe(true);

      const { url, headers } = loki.requests[0];
      expect(url.pathname).toBe('/loki/api/v1/query_range');
      expect(Object.fromEntries(url.searchParams)).toEqual({
        // LogQL strings escape like Go's: "\\b" is the regex \b.
        query:
          '{service_name=~".+"} |~ "(?i)\\\\btimeout\\\\b" |~ "(?i)\\\\bcart\\\\b"',
        start: ns(FROM),
        end: ns(TO),
        limit: '3',
        direction: 'backward',
      });
      expect(headers['x-scope-orgid']).toBe('team-a');

      await store.search({
        query: parseQuery(''),
        range: { from: FROM, to: TO },
        limit: 2,
        cursor: page.nextCursor,
      });
      expect(loki.requests[1].url.searchParams.get('end')).toBe(
        ns(at('2026-11-26T09:38:30Z')),
      );
    } finally {
      await loki.close();
    }
  });

  it('buckets count_over_time matrices into the histogram', async () => {
    const loki = await startLokiStandIn(url =>
      url.searchParams.get('query')!.includes('detected_level=~')
        ? {
            resultType: 'matrix',
            result: [
              {
                metric: {},
                values: [[at('2026-11-26T09:40:00Z') / 1000, '2']],
              },
            ],
          }
        : {
            resultType: 'matrix',
            result: [
              {
                metric: {},
                values: [
                  [at('2026-11-26T09:35:00Z') / 1000, '0'],
                  [at('2026-11-26T09:40:00Z') / 1000, '7'],
                ],
              },
            ],
          },
    );
    try {
      const store = new LokiLogStore({ url: loki.url });
      const buckets = await store.histogram({
        query: parseQuery('service:payments'),
        range: { from: FROM, to: TO },
        intervalMs: 300_000,
      });
      expect(buckets).toEqual([
        { t: '2026-11-26T09:35:00.000Z', count: 7, errors: 2 },
      ]);
      const counts = loki.requests.find(
        r => !r.url.searchParams.get('query')!.includes('=~"(?i)(error'),
      )!;
      expect(counts.url.searchParams.get('query')).toBe(
        'sum(count_over_time({service_name="payments"} [300s]))',
      );
      expect(counts.url.searchParams.get('step')).toBe('300s');
      expect(counts.url.searchParams.get('start')).toBe(ns(FROM + 300_000));
    } finally {
      await loki.close();
    }
  });

  it('is read only', async () => {
    const store = new LokiLogStore({ url: 'http://127.0.0.1:9' });
    expect(store.readOnly).toBe(true);
    await expect(store.append()).rejects.toThrow(/read only/);
  });
});
