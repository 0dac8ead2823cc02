/**
 * OpenSearch cannot run here, so the adapter is tested against its client's
 * request contract: the real `@opensearch-project/opensearch` client talks
 * to a local HTTP server that records each request and answers in the shape
 * OpenSearch's REST API documents (index template, _bulk, _search with hits
 * and aggregations).
 */
import { Client } from '@opensearch-project/opensearch';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FIXTURE_NOW, fixtureEvents } from '../../__fixtures__/events';
import { parseQuery } from '../../query/parseQuery';
import { OpenSearchLogStore, toOpenSearchQuery } from './OpenSearchLogStore';

interface Recorded {
  method: string;
  path: string;
  contentType?: string;
  body: string;
}

function startOpenSearchStandIn(answer: (req: Recorded) => unknown) {
  const recorded: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const entry: Recorded = {
        method: req.method!,
        path: req.url!,
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
      };
      recorded.push(entry);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer(entry)));
    });
  });
  return new Promise<{
    url: string;
    recorded: Recorded[];
    close(): Promise<void>;
  }>(resolve =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        recorded,
        close: () => new Promise(r => server.close(() => r())),
      });
    }),
  );
}

const RANGE = { from: FIXTURE_NOW - 3_600_000, to: FIXTURE_NOW };

describe('OpenSearchLogStore', () => {
  it('installs the index template once and bulk-indexes into daily indices', async () => {
    const events = fixtureEvents().slice(0, 2);
    const standIn = await startOpenSearchStandIn(req =>
      req.path.startsWith('/_bulk')
        ? {
            took: 3,
            errors: false,
            items: events.map(e => ({ index: { _id: e.id, status: 201 } })),
          }
        : { acknowledged: true },
    );
    try {
      const store = new OpenSearchLogStore(
        new Client({ node: standIn.url }),
        'pilothouse-logs',
      );
      await store.append(events);
      await store.append(events);
      const [template, bulk, bulk2] = standIn.recorded;
      expect(standIn.recorded).toHaveLength(3);
      // The client sends the put-index-template API as POST (PUT is the same API).
      expect(template.method).toBe('POST');
      expect(template.path).toBe('/_index_template/pilothouse-logs');
      expect(JSON.parse(template.body)).toMatchObject({
        index_patterns: ['pilothouse-logs-*'],
        template: {
          mappings: {
            properties: {
              '@timestamp': { type: 'date' },
              message: { type: 'text', fields: { raw: { type: 'keyword' } } },
              service: { type: 'keyword' },
              severity_rank: { type: 'byte' },
            },
          },
        },
      });
      expect(bulk.method).toBe('POST');
      expect(bulk.path).toBe('/_bulk');
      expect(bulk.contentType).toMatch(/ndjson/);
      const lines = bulk.body
        .trim()
        .split('\n')
        .map(l => JSON.parse(l));
      expect(lines).toEqual([
        { index: { _index: 'pilothouse-logs-2026.11.26', _id: events[0].id } },
        {
          '@timestamp': events[0].timestamp,
          observedAt: events[0].observedAt,
          id: events[0].id,
          severity: 'error',
          severity_rank: 4,
          service: 'payments',
          entityRef: 'component:default/payments',
          source: 'jsonl',
          message: events[0].message,
          attributes: events[0].attributes,
        },
        { index: { _index: 'pilothouse-logs-2026.11.26', _id: events[1].id } },
        expect.objectContaining({ id: events[1].id }),
      ]);
      expect(bulk2.path).toBe('/_bulk');
    } finally {
      await standIn.close();
    }
  });

  it('fails a batch OpenSearch rejects whole', async () => {
    const events = fixtureEvents().slice(0, 1);
    const standIn = await startOpenSearchStandIn(req =>
      req.path.startsWith('/_bulk')
        ? {
            took: 1,
            errors: true,
            items: [
              {
                index: {
                  status: 400,
                  error: {
                    type: 'mapper_parsing_exception',
                    reason: 'failed to parse field [attributes.region]',
                  },
                },
              },
            ],
          }
        : { acknowledged: true },
    );
    try {
      const store = new OpenSearchLogStore(
        new Client({ node: standIn.url }),
        'pilothouse-logs',
      );
      await expect(store.append(events)).rejects.toThrow(
        /failed to parse field \[attributes\.region\]/,
      );
    } finally {
      await standIn.close();
    }
  });

  it('translates the query, pages with search_after and reads hits', async () => {
    const events = fixtureEvents();
    const hits = events.slice(0, 3).map((e, i) => ({
      _index: 'pilothouse-logs-2026.11.26',
      _id: e.id,
      _source: {
        '@timestamp': e.timestamp,
        severity_rank: 4,
        ...e,
        timestamp: undefined,
      },
      sort: [Date.parse(e.timestamp), e.id + String(i)],
    }));
    const standIn = await startOpenSearchStandIn(() => ({
      took: 2,
      timed_out: false,
      hits: { total: { value: 10000, relation: 'gte' }, hits },
    }));
    try {
      const store = new OpenSearchLogStore(
        new Client({ node: standIn.url }),
        'pilothouse-logs',
      );
      const query = parseQuery(
        'service:payments AND level:error AND "timeout"',
      );
      const page = await store.search({ query, range: RANGE, limit: 2 });
      expect(page.events.map(e => e.id)).toEqual([events[0].id, events[1].id]);
      expect(page.events[0]).toEqual(events[0]);
      expect(page).toMatchObject({ total: 10000, totalIsLowerBound: true });
      expect(page.nextCursor).toEqual(expect.any(String));

      await store.search({
        query,
        range: RANGE,
        limit: 2,
        cursor: page.nextCursor,
      });
      const [first, second] = standIn.recorded;
      expect(first.path).toBe('/pilothouse-logs-*/_search');
      expect(JSON.parse(first.body)).toEqual({
        query: {
          bool: {
            filter: [
              {
                range: {
                  '@timestamp': {
                    gte: RANGE.from,
                    lt: RANGE.to,
                    format: 'epoch_millis',
                  },
                },
              },
              {
                bool: {
                  filter: [
                    { term: { service: 'payments' } },
                    { term: { severity: 'error' } },
                    { match_phrase: { message: 'timeout' } },
                  ],
                },
              },
            ],
          },
        },
        sort: [{ '@timestamp': 'desc' }, { id: 'desc' }],
        size: 3,
        track_total_hits: 10000,
      });
      expect(JSON.parse(second.body).search_after).toEqual(hits[1].sort);
    } finally {
      await standIn.close();
    }
  });

  it('reads date_histogram buckets with their error counts', async () => {
    const standIn = await startOpenSearchStandIn(() => ({
      took: 1,
      hits: { total: { value: 12, relation: 'eq' }, hits: [] },
      aggregations: {
        over_time: {
          buckets: [
            {
              key: Date.parse('2026-11-26T09:00:00Z'),
              key_as_string: '2026-11-26T09:00:00.000Z',
              doc_count: 12,
              errors: { doc_count: 3 },
            },
          ],
        },
      },
    }));
    try {
      const store = new OpenSearchLogStore(
        new Client({ node: standIn.url }),
        'pilothouse-logs',
      );
      const buckets = await store.histogram({
        query: parseQuery('level:>=warn'),
        range: RANGE,
        intervalMs: 300_000,
      });
      expect(buckets).toEqual([
        { t: '2026-11-26T09:00:00.000Z', count: 12, errors: 3 },
      ]);
      expect(JSON.parse(standIn.recorded[0].body)).toMatchObject({
        size: 0,
        query: {
          bool: {
            filter: [
              expect.anything(),
              { range: { severity_rank: { gte: 3 } } },
            ],
          },
        },
        aggs: {
          over_time: {
            date_histogram: {
              field: '@timestamp',
              fixed_interval: '300000ms',
              min_doc_count: 1,
            },
            aggs: {
              errors: { filter: { range: { severity_rank: { gte: 4 } } } },
            },
          },
        },
      });
    } finally {
      await standIn.close();
    }
  });

  it('translates every kind of query node', () => {
    expect(
      toOpenSearchQuery(
        parseQuery(
          'NOT k8s.namespace.name:pay* OR status:[500 TO 599] OR user.name:* OR time* OR *pointer*',
        ),
      ),
    ).toEqual({
      bool: {
        minimum_should_match: 1,
        should: [
          {
            bool: {
              must_not: [
                {
                  wildcard: {
                    'attributes.k8s.namespace.name': {
                      value: 'pay*',
                      case_insensitive: true,
                    },
                  },
                },
              ],
            },
          },
          { range: { 'attributes.status': { gte: 500, lte: 599 } } },
          { exists: { field: 'attributes.user.name' } },
          { match_phrase_prefix: { message: 'time' } },
          {
            wildcard: {
              'message.raw': { value: '*pointer*', case_insensitive: true },
            },
          },
        ],
      },
    });
  });
});
