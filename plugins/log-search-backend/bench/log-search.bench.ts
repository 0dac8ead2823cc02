/**
 * Log search at scale on the embedded store (SQLite with FTS5, a file in a
 * temporary directory): ingest throughput of JSON lines through the real
 * parser, enrichment, store and processors, and query latency with a
 * million events stored, each beside a baseline from the same run:
 *
 * - ingest: appending the same JSON lines to an NDJSON file;
 * - queries: `grep` over that NDJSON file (the same events), with a pattern
 *   that finds what the query finds.
 *
 * Events: LOG_SEARCH_BENCH_EVENTS (default 1,000,000; --quick 100,000).
 * LOG_SEARCH_BENCH_KEEP=1 keeps the SQLite file and the NDJSON and prints
 * where they are.
 * Processors: every batch goes through the detections module with all of its
 * rule packs enabled (issue 9), as on the ingest stream of the portal.
 * LOG_SEARCH_BENCH_PROCESSORS names another module (a path from the
 * repository root) whose `createBenchProcessors()` returns the
 * LogEventProcessor[] to run, or `none` for the store alone.
 *
 * Run alone: node --require @backstage/cli-node/config/nodeTransform.cjs
 *   plugins/log-search-backend/bench/log-search.bench.ts [--quick] [--json]
 */
import { mockServices } from '@backstage/backend-test-utils';
import {
  ReportRow,
  repoRoot,
  runBenchmark,
  summarize,
} from '@pilothouse/bench';
import type { LogEventProcessor } from '@pilothouse/plugin-log-search-node';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import knexFactory from 'knex';
import { parseJsonLines } from '../src/ingest/parseJsonLines';
import { IngestPipeline } from '../src/services/IngestPipeline';
import { LiveTail } from '../src/services/LiveTail';
import { LogSearchService } from '../src/services/LogSearchService';
import { migrate } from '../src/stores/createLogStore';
import { DatabaseLogStore } from '../src/stores/embedded/DatabaseLogStore';

const BATCH = 1000;

const SERVICES = [
  'payments',
  'checkout',
  'catalog',
  'notifications',
  'search',
  'auth',
  'ledger',
  'shipping',
];
const NAMESPACES = ['payments', 'shop', 'platform'];
const MESSAGES = [
  'request completed',
  'cache hit for key',
  'user session refreshed',
  'published event to queue',
  'health check ok',
  'slow query detected',
  'retrying request',
];

/** A deterministic pseudo-random sequence, so every run stores the same events. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/**
 * One JSON line per event over the last 24 hours. About 1 in 50 is an
 * error; a payments error says "timeout" 1 in 4; 1 in 20 events has a 5xx.
 */
function* eventLines(count: number, now: number): Generator<string> {
  const next = random(42);
  for (let i = 0; i < count; i++) {
    const service = SERVICES[Math.floor(next() * SERVICES.length)];
    const error = next() < 0.02;
    const status = next() < 0.05 ? 500 + Math.floor(next() * 4) : 200;
    const message =
      error && service === 'payments' && next() < 0.25
        ? `upstream timeout after ${Math.floor(
            next() * 5000,
          )} ms calling ledger`
        : `${MESSAGES[Math.floor(next() * MESSAGES.length)]} ${Math.floor(
            next() * 100000,
          )}`;
    yield JSON.stringify({
      timestamp: new Date(now - Math.floor(next() * 86_400_000)).toISOString(),
      level: error ? 'error' : 'info',
      service,
      message,
      trace_id: `${i.toString(16).padStart(32, '0')}`,
      http: { status_code: status, method: 'GET' },
      kubernetes: {
        namespace_name: NAMESPACES[Math.floor(next() * NAMESPACES.length)],
        pod_name: `${service}-${Math.floor(next() * 10)}`,
      },
    });
  }
}

/** The detections module with every rule pack enabled; by path, not a dependency. */
const DETECTIONS =
  'plugins/log-search-backend-module-detections/bench/benchProcessors.ts';

function loadProcessors(root: string): LogEventProcessor[] {
  const modulePath = process.env.LOG_SEARCH_BENCH_PROCESSORS ?? DETECTIONS;
  if (modulePath === 'none') return [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(path.resolve(root, modulePath)) as {
    createBenchProcessors(): LogEventProcessor[];
  };
  return loaded.createBenchProcessors();
}

/** Queries, each with a grep over the NDJSON file (`FILE`) that finds the same lines. */
const QUERIES: Array<{ label: string; q: string; grep: string }> = [
  {
    label: 'words: timeout',
    q: 'timeout',
    grep: `grep -i -w -c timeout FILE`,
  },
  {
    label: 'fields: service:payments AND level:error',
    q: 'service:payments AND level:error',
    grep: `grep -F -c '"level":"error","service":"payments"' FILE`,
  },
  {
    label: 'fields and phrase: ... AND "calling ledger"',
    q: 'service:payments AND level:error AND "calling ledger"',
    grep: `grep -F '"level":"error","service":"payments"' FILE | grep -i -c 'calling ledger'`,
  },
  {
    label: 'attribute range: http.status_code:[500 TO 599]',
    q: 'http.status_code:[500 TO 599]',
    grep: `grep -E -c '"status_code":5[0-9][0-9]' FILE`,
  },
  {
    label: 'one trace id',
    q: 'traceId:000000000000000000000000000003e8',
    grep: `grep -F -c '"trace_id":"000000000000000000000000000003e8"' FILE`,
  },
];

runBenchmark({
  name: 'log-search',
  title:
    'Log search: ingest throughput and query latency on the embedded store (SQLite FTS5)',
  file: __filename,
  async run({ quick, progress }) {
    const root = repoRoot(__dirname);
    const count = Number(
      process.env.LOG_SEARCH_BENCH_EVENTS ?? (quick ? 100_000 : 1_000_000),
    );
    const runs = quick ? 3 : 5;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-search-bench-'));
    const ndjson = path.join(dir, 'events.ndjson');
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'log-search.sqlite') },
      useNullAsDefault: true,
    });
    try {
      await migrate(knex);
      const store = new DatabaseLogStore(knex);
      const processors = loadProcessors(root);
      const tail = new LiveTail();
      const pipeline = new IngestPipeline({
        store,
        tail,
        processors,
        logger: mockServices.rootLogger({ level: 'warn' }),
      });
      const search = new LogSearchService(store, pipeline, tail);

      progress(`ingesting ${count} events in batches of ${BATCH}`);
      const now = Date.now();
      const ingestMs: number[] = [];
      const appendMs: number[] = [];
      let batch: string[] = [];
      const flush = async () => {
        const body = `${batch.join('\n')}\n`;
        let t = performance.now();
        fs.appendFileSync(ndjson, body);
        appendMs.push(performance.now() - t);
        t = performance.now();
        const result = await pipeline.ingest(parseJsonLines(body));
        ingestMs.push(performance.now() - t);
        if (result.rejected.length > 0)
          throw new Error(`rejected: ${result.rejected[0].reason}`);
        batch = [];
        if (ingestMs.length % 100 === 0)
          progress(`${ingestMs.length * BATCH} events stored`);
      };
      for (const line of eventLines(count, now)) {
        batch.push(line);
        if (batch.length === BATCH) await flush();
      }
      if (batch.length > 0) await flush();
      // What the scheduled retention task does after its deletes: refresh the
      // query planner's statistics.
      progress('retention pass (nothing to delete; statistics refreshed)');
      await store.retain({});

      const perSecond = (samples: number[]) =>
        (count / samples.reduce((a, b) => a + b, 0)) * 1000;
      const eventsPerSecond = (samples: number[]) => ({
        value: perSecond(samples),
        unit: 'events/s',
      });
      const rows: ReportRow[] = [
        {
          group: 'ingest',
          label: `JSON lines → parse, enrich, store${
            processors.length ? `, ${processors.map(p => p.id).join(', ')}` : ''
          } (ms per ${BATCH} events)`,
          headline: `ingest ${count.toLocaleString('en-US')} events${
            processors.length
              ? `, every detection rule on (${processors
                  .map(p => p.id)
                  .join(', ')})`
              : ', no processors'
          }`,
          summary: summarize(ingestMs),
          perSecond: perSecond(ingestMs),
          throughput: eventsPerSecond(ingestMs),
          baselines: [
            {
              label: 'append the same lines to an NDJSON file',
              summary: summarize(appendMs),
              perSecond: perSecond(appendMs),
              throughput: eventsPerSecond(appendMs),
            },
          ],
        },
      ];

      const range = {
        from: new Date(now - 86_400_000).toISOString(),
        to: new Date(now + 1000).toISOString(),
      };
      for (const query of QUERIES) {
        progress(`query: ${query.q}`);
        const searchMs: number[] = [];
        const grepMs: number[] = [];
        let found = 0;
        let grepped = '';
        for (let i = 0; i < runs; i++) {
          let t = performance.now();
          const result = await search.search({
            q: query.q,
            ...range,
            limit: 100,
          });
          searchMs.push(performance.now() - t);
          found = result.total;
          t = performance.now();
          try {
            grepped = execFileSync(
              'sh',
              ['-c', query.grep.replace(/FILE/g, `'${ndjson}'`)],
              {
                encoding: 'utf8',
              },
            ).trim();
          } catch (error) {
            // grep -c exits 1 when it counts nothing.
            grepped = String(
              (error as { stdout?: string }).stdout ?? '',
            ).trim();
          }
          grepMs.push(performance.now() - t);
        }
        rows.push({
          group: 'query (first page of 100, with total up to 10,000)',
          label: `${query.label} — ${found} matches${
            found >= 10_000 ? '+' : ''
          }`,
          headline: `query, ${count.toLocaleString('en-US')} stored: ${
            query.label
          }`,
          summary: summarize(searchMs),
          baselines: [
            {
              label: `grep over the NDJSON — ${grepped} lines`,
              summary: summarize(grepMs),
            },
          ],
        });
      }

      progress('histogram');
      const histogramMs: number[] = [];
      const grepCountMs: number[] = [];
      for (let i = 0; i < runs; i++) {
        let t = performance.now();
        await search.histogram({
          q: 'service:payments',
          ...range,
          buckets: 96,
        });
        histogramMs.push(performance.now() - t);
        t = performance.now();
        execFileSync('grep', ['-F', '-c', '"service":"payments"', ndjson]);
        grepCountMs.push(performance.now() - t);
      }
      rows.push({
        group: 'histogram',
        label: 'service:payments over 24 h in 96 buckets, count and errors',
        headline: `histogram, ${count.toLocaleString(
          'en-US',
        )} stored: service:payments, 96 buckets`,
        summary: summarize(histogramMs),
        baselines: [
          {
            label: 'grep -c over the NDJSON (one count, no buckets)',
            summary: summarize(grepCountMs),
          },
        ],
      });

      const stats = await store.stats();
      return {
        settings: {
          events: count,
          batch: BATCH,
          runs,
          processors: processors.map(p => p.id).join(', ') || 'none',
          storedMiB: Math.round(stats.bytes / 1024 / 1024),
          ndjsonMiB: Math.round(fs.statSync(ndjson).size / 1024 / 1024),
        },
        rows,
        notes: [
          "The store is a SQLite file with the plugin's migrations (FTS5 on the message, JSON attributes); queries go through the same parser and SQL as the HTTP API.",
          'grep reads the whole file each time and counts; the store answers the first 100 matches newest first plus a total counted up to 10,000.',
          `Processors on ingest: ${
            processors.length
              ? `${processors
                  .map(p => p.id)
                  .join(
                    ', ',
                  )} (the detections module with every rule pack enabled, unless LOG_SEARCH_BENCH_PROCESSORS names another module)`
              : 'none (LOG_SEARCH_BENCH_PROCESSORS=none)'
          }.`,
        ],
      };
    } finally {
      await knex.destroy();
      if (process.env.LOG_SEARCH_BENCH_KEEP) {
        // To look at the query plans afterwards (sqlite3 on the file).
        progress(`kept ${dir}`);
      } else {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  },
});
