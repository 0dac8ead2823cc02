/**
 * The benchmark harness behind `yarn bench`: percentiles, a report that puts
 * every figure beside a baseline from the same run, and child processes that
 * are always stopped. Benchmarks live in `<package>/bench/*.bench.ts`.
 *
 * @packageDocumentation
 */

export { percentile, summarize } from './stats';
export type { Summary } from './stats';
export { formatMachine, formatReport, machineInfo } from './report';
export type {
  BenchmarkReport,
  MachineInfo,
  Measured,
  ReportRow,
  Throughput,
} from './report';
export {
  formatSummary,
  formatThroughput,
  summarizeBenchmarks,
} from './summary';
export type { SummaryEntry, SummaryFigure } from './summary';
export { ChildProcesses, drain, waitForOutput } from './processes';
export { repoRoot, runBenchmark } from './runBenchmark';
export type {
  BenchmarkContext,
  BenchmarkDefinition,
  RunReport,
} from './runBenchmark';
