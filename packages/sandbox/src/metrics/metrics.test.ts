import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { readSeedFile } from '../seed';
import { findDefaultSeedFile, startSandbox } from '../server';
import { openServiceMetrics, SCRAPE_LABELS, writeMetricsHistory } from '.';

const seedFile = findDefaultSeedFile(__dirname);

/** `name{labels} value` lines of an exposition, by series. */
function parseExposition(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [series, value] = line.split(' ');
    values.set(series, Number(value));
  }
  return values;
}

describe('sandbox metrics', () => {
  it('serves request counters and a latency histogram per seeded service, payments failing 3 %', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-metrics-'));
    const sandbox = await startSandbox({ port: 0, dataDir, seedFile });
    try {
      const scrape = async () => {
        const res = await fetch(`${sandbox.url}/metrics`);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
        return parseExposition(await res.text());
      };
      const first = await scrape();
      await new Promise(r => setTimeout(r, 1100));
      const second = await scrape();
      const increase = (service: string, code: string) => {
        const key = `http_requests_total{service="${service}",namespace="${
          service === 'payments' ? 'payments' : 'checkout'
        }",code="${code}"}`;
        return second.get(key)! - first.get(key)!;
      };
      const ratio = (service: string) =>
        increase(service, '500') /
        (increase(service, '200') + increase(service, '404') + increase(service, '500'));
      expect(ratio('payments')).toBeCloseTo(0.03, 4);
      expect(ratio('checkout')).toBeCloseTo(0.0002, 6);
      expect(
        second.get(
          'http_request_duration_seconds_bucket{service="checkout",namespace="checkout",le="+Inf"}',
        ),
      ).toBe(
        second.get('http_request_duration_seconds_count{service="checkout",namespace="checkout"}'),
      );
      // The incident's start is kept with the state: the same story after a restart.
      expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'metrics.json'), 'utf8'))).toEqual({
        anchor: expect.any(String),
      });
    } finally {
      await sandbox.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('writes the same series as an OpenMetrics history ending where /metrics stands', async () => {
    const seed = readSeedFile(seedFile).metrics!;
    const metrics = openServiceMetrics(seed, undefined, Date.UTC(2026, 4, 1));
    const out = new PassThrough();
    let text = '';
    out.on('data', chunk => {
      text += chunk;
    });
    const end = Date.UTC(2026, 4, 1) / 1000;
    await writeMetricsHistory(metrics, out, {
      end,
      seconds: 2 * 86_400,
      extraLabels: SCRAPE_LABELS,
    });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('# HELP http_requests HTTP requests answered, by status code.');
    expect(lines[1]).toBe('# TYPE http_requests counter');
    expect(lines).toContain('# TYPE http_request_duration_seconds histogram');
    expect(lines[lines.length - 1]).toBe('# EOF');

    const series = lines.filter(l =>
      l.startsWith('http_requests_total{job="sandbox",instance="sandbox",service="payments",namespace="payments",code="500"}'),
    );
    // A day at 10-minute steps, then the last day at 1-minute steps.
    expect(series).toHaveLength(144 + 1441);
    const points = series.map(l => l.split(' ').map(Number).slice(1));
    expect(points.map(p => p[1])).toEqual([...points.map(p => p[1])].sort((a, b) => a - b));
    const [lastValue, lastTime] = points[points.length - 1];
    expect(lastTime).toBe(end);
    const live = metrics
      .samples('http_requests', end)
      .find(s => s.labels.service === 'payments' && s.labels.code === '500')!;
    expect(lastValue).toBe(live.value);
  });
});
