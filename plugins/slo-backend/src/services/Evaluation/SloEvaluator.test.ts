import {
  calendarPeriod,
  parseOpenSlo,
  SloDefinition,
} from '@pilothouse/plugin-slo-common';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  freePort,
  repoRoot,
  startTestPrometheus,
  TestPrometheus,
  trueErrorRatio,
} from '../../__testUtils__/prometheus';
import { PrometheusClient, PrometheusError } from '../Prometheus/PrometheusClient';
import { SloEvaluator } from './SloEvaluator';

/*
 * Against Debian's Prometheus, loaded with 30 days of history written by the
 * sandbox's metrics model (payments fails 3 % of requests since 3 h before
 * the end; checkout and orders are healthy), the evaluator must find the
 * burn rates the workbook's arithmetic gives for that history, and the alert
 * states that follow. The SLOs are the repository's own (catalog/slos.yaml).
 */

jest.setTimeout(180_000);

const seeds: SloDefinition[] = parseOpenSlo(
  parseAllDocuments(
    fs.readFileSync(path.join(repoRoot, 'catalog/slos.yaml'), 'utf8'),
  ).map(d => d.toJS()),
).slos;
const seed = (name: string) => {
  const found = seeds.find(s => s.name === name);
  if (!found) throw new Error(`catalog/slos.yaml has no SLO ${name}`);
  return found;
};

describe('SloEvaluator against Prometheus', () => {
  let prometheus: TestPrometheus;
  let evaluator: SloEvaluator;

  beforeAll(async () => {
    prometheus = await startTestPrometheus();
    evaluator = new SloEvaluator({
      prometheus: new PrometheusClient({ baseUrl: prometheus.url }),
    });
  });

  afterAll(async () => {
    await prometheus?.cleanup();
  });

  it('finds payments burning: 30× inside the incident, every alert of the policy firing', async () => {
    const slo = seed('payments-availability');
    const figures = await evaluator.evaluate(slo, prometheus.end);
    const end = prometheus.end.getTime() / 1000;

    // Windows inside the 3-hour incident: 3 % errors against a 0.1 % budget.
    for (const window of ['5m', '30m', '1h', '2h'] as const) {
      expect(figures.burnRates[window]).toBeCloseTo(30, 6);
    }
    // Windows reaching back before it (scaled to 28 days: 5h36m, 22h24m, 67h12m).
    const expected = (seconds: number) =>
      trueErrorRatio(prometheus.metrics, 'payments', end - seconds, end) / 0.001;
    expect(figures.burnRates['6h']).toBeCloseTo(expected(5.6 * 3600), 2);
    expect(figures.burnRates['1d']).toBeCloseTo(expected(22.4 * 3600), 2);
    expect(figures.burnRates['3d']).toBeCloseTo(expected(67.2 * 3600), 2);
    expect(figures.burnRates['6h']).toBeGreaterThan(6);
    expect(figures.burnRates['3d']).toBeGreaterThan(1);

    expect(
      figures.alerts.map(a => [a.name, a.longDuration, a.shortDuration, a.firing]),
    ).toEqual([
      ['page-fast', '56m', '4m40s', true],
      ['page-slow', '5h36m', '28m', true],
      ['ticket', '2d19h12m', '5h36m', true],
    ]);
    expect(figures.status).toBe('burning');

    // The 28-day budget: the error ratio over 28 days against 0.1 %.
    const consumed = expected(28 * 86_400);
    expect(figures.budgetConsumed).toBeCloseTo(consumed, 3);
    expect(figures.budgetRemaining).toBeCloseTo(1 - consumed, 3);
    expect(figures.sli.value).toBeCloseTo(1 - consumed * 0.001, 6);
    expect(figures.window).toEqual({ kind: 'rolling', duration: '4w' });
  });

  it('finds checkout healthy: 0.02 % errors burn 0.2 of a 0.1 % budget everywhere, no alert', async () => {
    const figures = await evaluator.evaluate(
      seed('checkout-availability'),
      prometheus.end,
    );
    for (const value of Object.values(figures.burnRates)) {
      expect(value).toBeCloseTo(0.2, 6);
    }
    expect(figures.alerts.every(a => !a.firing)).toBe(true);
    expect(figures.status).toBe('ok');
    expect(figures.budgetRemaining).toBeCloseTo(0.8, 6);
  });

  it('measures latency from the histogram bucket at the threshold', async () => {
    const figures = await evaluator.evaluate(
      seed('checkout-latency'),
      prometheus.end,
    );
    // The model's share of requests over 500 ms: log-normal, median 120 ms, sigma 0.45.
    const slowShare = (() => {
      const bucket = prometheus.metrics
        .samples('http_request_duration_seconds', 1e9)
        .filter(s => s.labels.service === 'checkout');
      const le = bucket.find(s => s.labels.le === '0.5')!.value;
      const count = bucket.find(s => s.name.endsWith('_count'))!.value;
      return 1 - le / count;
    })();
    expect(figures.sli.type).toBe('threshold');
    expect(figures.burnRates['1h']).toBeCloseTo(slowShare / 0.01, 4);
    expect(figures.sli.value).toBeCloseTo(1 - slowShare, 6);
    expect(figures.status).toBe('ok');
  });

  it('counts a calendar-month SLO from the start of the month', async () => {
    const slo = seed('orders-availability-monthly');
    const figures = await evaluator.evaluate(slo, prometheus.end);
    const start = calendarPeriod(slo.window, prometheus.end).start;
    expect(figures.window).toEqual({
      kind: 'calendar',
      unit: 'month',
      timeZone: 'UTC',
      start: start.toISOString(),
    });
    // 0.04 % errors against a 0.5 % budget, whatever part of the month has passed.
    expect(figures.budgetConsumed).toBeCloseTo(0.08, 6);
    expect(figures.sli.value).toBeCloseTo(0.9996, 8);
  });

  it('draws the budget burn-down over the window from query_range', async () => {
    const points = await evaluator.history(
      seed('payments-availability'),
      prometheus.end,
    );
    expect(points.length).toBeGreaterThan(100);
    const last = points[points.length - 1];
    const first = points[0];
    // Healthy for almost 28 days, then the incident eats into the budget.
    expect(first.budgetRemaining).toBeCloseTo(0.7, 1);
    expect(last.t).toBe(prometheus.end.toISOString());
    const end = prometheus.end.getTime() / 1000;
    const consumed =
      trueErrorRatio(prometheus.metrics, 'payments', end - 28 * 86_400, end) / 0.001;
    expect(last.budgetRemaining!).toBeCloseTo(1 - consumed, 1);
    expect(last.budgetRemaining!).toBeLessThan(
      points[Math.floor(points.length / 2)].budgetRemaining!,
    );
  });

  it('says Prometheus cannot be reached when it is down', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const down = new SloEvaluator({
      prometheus: new PrometheusClient({ baseUrl: nobody }),
    });
    const error = await down
      .evaluate(seed('checkout-availability'), prometheus.end)
      .catch(e => e);
    expect(error).toBeInstanceOf(PrometheusError);
    expect(error.unreachable).toBe(true);
    expect(error.message).toMatch(/could not be reached \(ECONNREFUSED\)/);
  });
});
