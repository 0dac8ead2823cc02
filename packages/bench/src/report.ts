import os from 'node:os';
import { Summary } from './stats';

/** A rate, e.g. 12.5 MB/s or 40,000 events/s. */
export interface Throughput {
  value: number;
  /** What is counted per second, e.g. "MB/s" or "events/s". */
  unit: string;
}

/** One measured figure, or a baseline measured beside it in the same run. */
export interface Measured {
  label: string;
  summary: Summary;
  /** Operations per second, for sequential calls. */
  perSecond?: number;
  /**
   * For a figure that is a rate: the one table (summary.ts) shows this
   * instead of the latency percentiles.
   */
  throughput?: Throughput;
}

/** A figure and the baselines it is compared with. */
export interface ReportRow extends Measured {
  /** Rows with the same group are printed together, e.g. one MCP server. */
  group: string;
  baselines: Measured[];
  /** A short name for the one table over all benchmarks; default "group: label". */
  headline?: string;
}

export interface BenchmarkReport {
  name: string;
  title: string;
  /** The benchmark file, relative to the repository root. */
  file: string;
  settings: Record<string, string | number | boolean>;
  rows: ReportRow[];
  notes: string[];
  durationMs: number;
}

export interface MachineInfo {
  node: string;
  platform: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  /** Load when the run started; other work on the machine makes figures noisy. */
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map(l => Math.round(l * 100) / 100),
  };
}

export function formatMachine(machine: MachineInfo): string {
  return `node ${machine.node} on ${machine.platform} ${machine.arch}, ${
    machine.cpus
  } × ${machine.cpuModel}, ${
    machine.memoryGiB
  } GiB; load average at start ${machine.loadAverage.join(' ')}`;
}

export function ms(value: number): string {
  if (value < 10) return value.toFixed(3);
  if (value < 1000) return value.toFixed(1);
  return value.toFixed(0);
}

/** A ratio with two significant figures below 1 (0.031×), one decimal up to 10 (4.0×). */
export function formatRatio(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r)) return '-';
  if (r >= 10) return `${r.toFixed(0)}×`;
  if (r >= 1) return `${r.toFixed(1)}×`;
  return `${r.toPrecision(2)}×`;
}

function ratio(value: number, baseline: number): string {
  return baseline > 0 ? formatRatio(value / baseline) : '-';
}

const HEADER = [
  '',
  'n',
  'p50 ms',
  'p99 ms',
  'mean ms',
  'per s',
  'baseline, same run',
  'n',
  'p50 ms',
  'p99 ms',
  'per s',
  '×p50',
  '×p99',
];
// Columns that hold text, not figures, are left-aligned.
const LEFT_ALIGNED = new Set([0, 6]);

function figureCells(m: Measured): string[] {
  return [
    String(m.summary.n),
    ms(m.summary.p50),
    ms(m.summary.p99),
    ms(m.summary.mean),
    m.perSecond === undefined ? '' : m.perSecond.toFixed(0),
  ];
}

function baselineCells(row: Measured, baseline: Measured): string[] {
  return [
    baseline.label,
    String(baseline.summary.n),
    ms(baseline.summary.p50),
    ms(baseline.summary.p99),
    baseline.perSecond === undefined ? '' : baseline.perSecond.toFixed(0),
    ratio(row.summary.p50, baseline.summary.p50),
    ratio(row.summary.p99, baseline.summary.p99),
  ];
}

/** Lays out rows of cells in aligned columns. */
function table(rows: string[][]): string {
  const widths = HEADER.map((_, i) =>
    Math.max(...rows.map(r => (r[i] ?? '').length)),
  );
  return rows
    .map(r =>
      r
        .map((cell, i) =>
          LEFT_ALIGNED.has(i)
            ? cell.padEnd(widths[i])
            : cell.padStart(widths[i]),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The report as a readable table: each figure with its baselines and the ratios. */
export function formatReport(report: BenchmarkReport): string {
  const rows: string[][] = [HEADER];
  let group: string | undefined;
  for (const row of report.rows) {
    if (row.group !== group) {
      group = row.group;
      rows.push([group]);
    }
    const [first, ...others] = row.baselines;
    rows.push([
      `  ${row.label}`,
      ...figureCells(row),
      ...(first ? baselineCells(row, first) : []),
    ]);
    for (const baseline of others) {
      rows.push(['', '', '', '', '', '', ...baselineCells(row, baseline)]);
    }
  }
  const settings = Object.entries(report.settings)
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');
  return [
    `${report.name}: ${report.title}`,
    `  ${report.file}; ${settings}; took ${(report.durationMs / 1000).toFixed(
      1,
    )} s`,
    '',
    table(rows),
    '',
    ...report.notes.map(note => `  - ${note}`),
  ].join('\n');
}
