import {
  BenchmarkReport,
  formatMachine,
  formatRatio,
  MachineInfo,
  Measured,
  ms,
  ReportRow,
  Throughput,
} from './report';

/** One side of a line in the one table: latency percentiles or a rate. */
export interface SummaryFigure {
  label: string;
  p50Ms?: number;
  p99Ms?: number;
  throughput?: Throughput;
}

/** A line of the one table over all benchmarks: a figure beside its first baseline. */
export interface SummaryEntry {
  benchmark: string;
  kind: 'latency' | 'throughput';
  figure: SummaryFigure;
  baseline?: SummaryFigure;
  /**
   * Figure ÷ baseline: p50 and p99 for a latency (above 1 is slower than the
   * baseline), the rate for a throughput (below 1 is slower).
   */
  ratio: { p50?: number; p99?: number; throughput?: number };
}

function side(m: Measured, kind: SummaryEntry['kind'], label: string) {
  return kind === 'throughput'
    ? { label, throughput: m.throughput }
    : { label, p50Ms: m.summary.p50, p99Ms: m.summary.p99 };
}

const divide = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b <= 0 ? undefined : a / b;

function entry(benchmark: string, row: ReportRow): SummaryEntry {
  const kind = row.throughput ? 'throughput' : 'latency';
  const figure = side(row, kind, row.headline ?? `${row.group}: ${row.label}`);
  const first = row.baselines[0];
  if (!first) return { benchmark, kind, figure, ratio: {} };
  const baseline = side(first, kind, first.label);
  if (kind === 'throughput') {
    const unitsMatch = first.throughput?.unit === row.throughput!.unit;
    return {
      benchmark,
      kind,
      figure,
      baseline,
      ratio: {
        throughput: unitsMatch
          ? divide(row.throughput!.value, first.throughput?.value)
          : undefined,
      },
    };
  }
  return {
    benchmark,
    kind,
    figure,
    baseline,
    ratio: {
      p50: divide(row.summary.p50, first.summary.p50),
      p99: divide(row.summary.p99, first.summary.p99),
    },
  };
}

/** Every figure of every benchmark beside its first baseline, in report order. */
export function summarizeBenchmarks(
  benchmarks: readonly BenchmarkReport[],
): SummaryEntry[] {
  return benchmarks.flatMap(b => b.rows.map(row => entry(b.name, row)));
}

/** A rate with three significant figures and thousands separators. */
export function formatThroughput(t: Throughput | undefined): string {
  if (!t) return '-';
  let digits = 2;
  if (t.value >= 100) digits = 0;
  else if (t.value >= 10) digits = 1;
  const value = t.value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return `${value} ${t.unit}`;
}

function result(f: SummaryFigure | undefined): string {
  if (!f) return '';
  if (f.throughput) return formatThroughput(f.throughput);
  if (f.p50Ms === undefined || f.p99Ms === undefined) return '-';
  return `${ms(f.p50Ms)} / ${ms(f.p99Ms)} ms`;
}

function ratioCell(e: SummaryEntry): string {
  if (!e.baseline) return '';
  if (e.kind === 'throughput') return formatRatio(e.ratio.throughput);
  return `${formatRatio(e.ratio.p50)} / ${formatRatio(e.ratio.p99)}`;
}

const HEADER = [
  'figure',
  'p50 / p99 or rate',
  'baseline, same run',
  'p50 / p99 or rate',
  '× baseline',
];

/** Lays out rows in columns; the text columns (0 and 2) left-aligned. */
function columns(rows: string[][]): string {
  const widths = HEADER.map((_, i) =>
    Math.max(...rows.filter(r => r.length > 1).map(r => (r[i] ?? '').length)),
  );
  return rows
    .map(r =>
      r.length === 1
        ? r[0]
        : r
            .map((cell, i) =>
              i === 0 || i === 2
                ? cell.padEnd(widths[i])
                : cell.padStart(widths[i]),
            )
            .join('  ')
            .trimEnd(),
    )
    .join('\n');
}

/** Minutes and seconds, e.g. "7 min 31 s", or seconds below a minute. */
export function formatDuration(totalMs: number): string {
  const seconds = Math.round(totalMs / 1000);
  if (seconds < 60) return `${(totalMs / 1000).toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/**
 * The one table at the end of `yarn bench`: the machine, then each figure
 * (p50 / p99, or a rate) beside its baseline from the same run and the ratio.
 */
export function formatSummary(options: {
  machine: MachineInfo;
  entries: readonly SummaryEntry[];
  totalMs: number;
  quick: boolean;
}): string {
  const rows: string[][] = [HEADER];
  let benchmark: string | undefined;
  for (const e of options.entries) {
    if (e.benchmark !== benchmark) {
      benchmark = e.benchmark;
      rows.push([benchmark]);
    }
    rows.push([
      `  ${e.figure.label}`,
      result(e.figure),
      e.baseline?.label ?? '(no baseline)',
      result(e.baseline),
      ratioCell(e),
    ]);
  }
  return [
    formatMachine(options.machine),
    `total ${formatDuration(options.totalMs)}${
      options.quick ? ' (--quick)' : ''
    }`,
    '',
    columns(rows),
    '',
    '× baseline = figure ÷ baseline: for a latency (p50 / p99) above 1× is slower than the baseline; for a rate below 1× is slower.',
  ].join('\n');
}
