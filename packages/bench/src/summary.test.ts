import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchmarkReport, MachineInfo } from './report';
import { writeJson } from './runAllBenchmarks';
import { RunReport } from './runBenchmark';
import { summarize } from './stats';
import {
  formatDuration,
  formatSummary,
  formatThroughput,
  summarizeBenchmarks,
} from './summary';

const machine: MachineInfo = {
  node: 'v22.0.0',
  platform: 'Linux 6.1',
  arch: 'x64',
  cpus: 2,
  cpuModel: 'Example CPU',
  memoryGiB: 8,
  loadAverage: [3.5, 2, 1],
};

const benchmarks: BenchmarkReport[] = [
  {
    name: 'gateway',
    title: 'a gateway',
    file: 'plugins/gateway/bench/gateway.bench.ts',
    settings: {},
    durationMs: 1000,
    notes: [],
    rows: [
      {
        group: 'model call',
        label: 'through the gateway',
        headline: 'model call through the gateway',
        summary: summarize([4, 6, 10]),
        baselines: [
          { label: 'direct to the upstream', summary: summarize([2, 3, 4]) },
          { label: 'a second baseline', summary: summarize([1, 1, 1]) },
        ],
      },
      {
        group: 'inspection',
        label: 'the inspector',
        summary: summarize([1, 2]),
        throughput: { value: 12.5, unit: 'MB/s' },
        baselines: [
          {
            label: 'one regex pass',
            summary: summarize([0.1]),
            throughput: { value: 500, unit: 'MB/s' },
          },
        ],
      },
    ],
  },
  {
    name: 'log-search',
    title: 'log search',
    file: 'plugins/log-search/bench/log-search.bench.ts',
    settings: {},
    durationMs: 1000,
    notes: [],
    rows: [
      {
        group: 'ingest',
        label: 'with every detection rule',
        summary: summarize([50]),
        throughput: { value: 20_000, unit: 'events/s' },
        baselines: [],
      },
    ],
  },
];

describe('summarizeBenchmarks', () => {
  it('puts every figure beside its first baseline with the ratio figure ÷ baseline', () => {
    const entries = summarizeBenchmarks(benchmarks);
    expect(entries).toEqual([
      {
        benchmark: 'gateway',
        kind: 'latency',
        figure: { label: 'model call through the gateway', p50Ms: 6, p99Ms: 10 },
        baseline: { label: 'direct to the upstream', p50Ms: 3, p99Ms: 4 },
        ratio: { p50: 2, p99: 2.5 },
      },
      {
        benchmark: 'gateway',
        kind: 'throughput',
        figure: {
          label: 'inspection: the inspector',
          throughput: { value: 12.5, unit: 'MB/s' },
        },
        baseline: {
          label: 'one regex pass',
          throughput: { value: 500, unit: 'MB/s' },
        },
        ratio: { throughput: 0.025 },
      },
      {
        benchmark: 'log-search',
        kind: 'throughput',
        figure: {
          label: 'ingest: with every detection rule',
          throughput: { value: 20_000, unit: 'events/s' },
        },
        ratio: {},
      },
    ]);
  });

  it('gives no ratio when a rate is compared with a rate in another unit', () => {
    const [row] = benchmarks[1].rows;
    const [entry] = summarizeBenchmarks([
      {
        ...benchmarks[1],
        rows: [
          {
            ...row,
            baselines: [
              {
                label: 'append to a file',
                summary: summarize([1]),
                throughput: { value: 90, unit: 'MB/s' },
              },
            ],
          },
        ],
      },
    ]);
    expect(entry.ratio.throughput).toBeUndefined();
  });
});

describe('formatSummary', () => {
  const text = formatSummary({
    machine,
    entries: summarizeBenchmarks(benchmarks),
    totalMs: 451_000,
    quick: false,
  });
  const lines = text.split('\n');

  it('starts with the machine and the total time', () => {
    expect(lines[0]).toBe(
      'node v22.0.0 on Linux 6.1 x64, 2 × Example CPU, 8 GiB; load average at start 3.5 2 1',
    );
    expect(lines[1]).toBe('total 7 min 31 s');
  });

  it('prints one line per figure: p50 / p99 or the rate, the baseline and the ratio', () => {
    const cells = (needle: string) =>
      lines
        .find(l => l.includes(needle))!
        .trim()
        .split(/\s{2,}/);
    expect(cells('model call through the gateway')).toEqual([
      'model call through the gateway',
      '6.000 / 10.0 ms',
      'direct to the upstream',
      '3.000 / 4.000 ms',
      '2.0× / 2.5×',
    ]);
    expect(cells('inspection: the inspector')).toEqual([
      'inspection: the inspector',
      '12.5 MB/s',
      'one regex pass',
      '500 MB/s',
      '0.025×',
    ]);
    expect(cells('ingest: with every detection rule')).toEqual([
      'ingest: with every detection rule',
      '20,000 events/s',
      '(no baseline)',
    ]);
    expect(lines).toContain('gateway');
    expect(lines).toContain('log-search');
    expect(text).not.toContain('a second baseline');
  });

  it('says when the run was --quick', () => {
    expect(
      formatSummary({ machine, entries: [], totalMs: 1500, quick: true }).split(
        '\n',
      )[1],
    ).toBe('total 1.5 s (--quick)');
  });
});

describe('formatThroughput and formatDuration', () => {
  it('keeps about three significant figures', () => {
    expect(formatThroughput({ value: 1234567.8, unit: 'events/s' })).toBe(
      '1,234,568 events/s',
    );
    expect(formatThroughput({ value: 45.67, unit: 'MB/s' })).toBe('45.7 MB/s');
    expect(formatThroughput({ value: 0.5, unit: 'MB/s' })).toBe('0.50 MB/s');
    expect(formatThroughput(undefined)).toBe('-');
  });

  it('prints minutes from one minute on', () => {
    expect(formatDuration(59_400)).toBe('59.4 s');
    expect(formatDuration(60_000)).toBe('1 min 0 s');
    expect(formatDuration(14 * 60_000 + 59_000)).toBe('14 min 59 s');
  });
});

describe('writeJson', () => {
  it('writes the run, with the one table, where --out says, creating the directory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-json-'));
    try {
      const file = path.join(dir, 'bench-results', 'latest.json');
      const run: RunReport = {
        machine,
        quick: true,
        benchmarks,
        failures: [],
        summary: summarizeBenchmarks(benchmarks),
        durationMs: 2000,
      };
      writeJson(file, run);
      const read = JSON.parse(fs.readFileSync(file, 'utf8'));
      expect(read).toEqual(run);
      expect(read.summary[1].ratio).toEqual({ throughput: 0.025 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
