/**
 * Evaluating 100 SLOs over every window (seven burn windows scaled to each
 * SLO's period, plus the period itself: eight instant queries per SLO) as the
 * scheduled evaluation does, one SLO after another, against Debian's
 * Prometheus holding 30 days of backfilled history. Beside it, from the same
 * run and the same Prometheus: one raw instant query per SLO, the least any
 * evaluation could cost.
 *
 * Run alone: node --require @backstage/cli-node/config/nodeTransform.cjs
 *   plugins/slo-backend/bench/slo-evaluation.bench.ts [--quick] [--json]
 */

import { ReportRow, runBenchmark, summarize } from '@pilothouse/bench';
import { parseOpenSlo, SloDefinition } from '@pilothouse/plugin-slo-common';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { repoRoot, startTestPrometheus } from '../src/__testUtils__/prometheus';
import { SloEvaluator } from '../src/services/Evaluation/SloEvaluator';
import { PrometheusClient } from '../src/services/Prometheus/PrometheusClient';

const SLOS = 100;
const RAW_QUERY = 'sum(rate(http_requests_total{service="payments"}[5m]))';

runBenchmark({
  name: 'slo-evaluation',
  title: 'SLOs: evaluating 100 SLOs over all windows against Prometheus',
  file: __filename,
  async run({ quick, progress }) {
    const rounds = quick ? 3 : 5;
    progress('writing 30 days of history and starting Prometheus');
    const prometheus = await startTestPrometheus();
    try {
      // The repository's SLOs over the services the history holds, repeated
      // (with other names) up to 100: ratio, threshold, rolling and calendar.
      const seeds = parseOpenSlo(
        parseAllDocuments(
          fs.readFileSync(path.join(repoRoot, 'catalog/slos.yaml'), 'utf8'),
        ).map(d => d.toJS()),
      ).slos.filter(s =>
        ['payments', 'checkout', 'orders'].includes(s.service),
      );
      const slos: SloDefinition[] = Array.from({ length: SLOS }, (_, i) => ({
        ...seeds[i % seeds.length],
        name: `${seeds[i % seeds.length].name}-${i}`,
      }));
      const client = new PrometheusClient({ baseUrl: prometheus.url });
      const evaluator = new SloEvaluator({ prometheus: client });
      const now = prometheus.end;

      const evaluateAll = async () => {
        const started = performance.now();
        for (const slo of slos) await evaluator.evaluate(slo, now);
        return performance.now() - started;
      };
      const rawAll = async () => {
        const started = performance.now();
        for (let i = 0; i < SLOS; i++) await client.query(RAW_QUERY, now);
        return performance.now() - started;
      };
      const one: number[] = [];
      const rawOne: number[] = [];
      const timeOne = async () => {
        let started = performance.now();
        await evaluator.evaluate(slos[0], now);
        one.push(performance.now() - started);
        started = performance.now();
        await client.query(RAW_QUERY, now);
        rawOne.push(performance.now() - started);
      };

      progress('warming up');
      await evaluateAll();
      await rawAll();
      const all: number[] = [];
      const raw: number[] = [];
      for (let round = 0; round < rounds; round++) {
        progress(`round ${round + 1} of ${rounds}`);
        all.push(await evaluateAll());
        raw.push(await rawAll());
        for (let i = 0; i < 10; i++) await timeOne();
      }

      const rows: ReportRow[] = [
        {
          group: `${SLOS} SLOs, one after another (as the scheduled evaluation runs)`,
          label:
            'evaluate: 8 instant queries each (7 burn windows + the period), 8 in flight',
          headline: `evaluate ${SLOS} SLOs over all windows, one after another`,
          summary: summarize(all),
          baselines: [
            {
              label: 'one raw instant query per SLO',
              summary: summarize(raw),
            },
          ],
        },
        {
          group: 'one SLO (payments-availability, 28 days)',
          label: 'evaluate: 8 instant queries',
          headline: 'evaluate one SLO over all windows',
          summary: summarize(one),
          baselines: [
            { label: 'one raw instant query', summary: summarize(rawOne) },
          ],
        },
      ];
      return {
        settings: {
          rounds,
          slos: SLOS,
          history:
            '30 days (10-minute steps, 1-minute for the last day), 3 services',
        },
        rows,
        notes: [
          `the raw instant query: ${RAW_QUERY}`,
          'Prometheus is Debian’s, on this machine, loaded with promtool tsdb create-blocks-from openmetrics; the figures include HTTP to it',
        ],
      };
    } finally {
      await prometheus.cleanup();
    }
  },
});
