import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ChildProcesses } from './processes';
import {
  BenchmarkReport,
  formatMachine,
  formatReport,
  MachineInfo,
  machineInfo,
} from './report';
import type { SummaryEntry } from './summary';

/** What `--json` prints, from one benchmark file or from `yarn bench`. */
export interface RunReport {
  machine: MachineInfo;
  quick: boolean;
  benchmarks: BenchmarkReport[];
  /** Benchmark files that failed, with their error (only from `yarn bench`). */
  failures?: Array<{ file: string; error: string }>;
  /** The one table: every figure beside its baseline (only from `yarn bench`). */
  summary?: SummaryEntry[];
  /** Wall time of the whole run (only from `yarn bench`). */
  durationMs?: number;
}

export interface BenchmarkContext {
  /** Fewer samples, for a quick look; figures are less stable. */
  quick: boolean;
  /** Every process the benchmark starts; all are stopped when it ends. */
  processes: ChildProcesses;
  /** A progress line on stderr (stdout carries the report). */
  progress(message: string): void;
}

export interface BenchmarkDefinition {
  /** Short name, e.g. "mcp-transports". */
  name: string;
  title: string;
  /** The benchmark file; pass __filename. */
  file: string;
  run(
    context: BenchmarkContext,
  ): Promise<Pick<BenchmarkReport, 'settings' | 'rows' | 'notes'>>;
}

export const BENCHMARK_HELP = `Options:
  --quick   fewer samples (a quick look; figures are less stable)
  --json    print the report as JSON instead of a table
  -h, --help
`;

/** The repository root: the nearest directory upwards whose package.json has workspaces. */
export function repoRoot(from: string): string {
  let dir = path.resolve(from);
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (
      fs.existsSync(pkg) &&
      JSON.parse(fs.readFileSync(pkg, 'utf8')).workspaces
    ) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`No workspace root above ${from}`);
    }
    dir = parent;
  }
}

/**
 * Runs one benchmark file as a program: parses --quick and --json, prints
 * the report, and stops every child process on success, failure or signal
 * before exiting.
 */
export function runBenchmark(definition: BenchmarkDefinition): void {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      quick: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      `${definition.name}: ${definition.title}\n\n${BENCHMARK_HELP}`,
    );
    return;
  }
  const quick = Boolean(values.quick);
  const processes = new ChildProcesses();
  process.once('exit', () => processes.killAllNow());
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      process.stderr.write(`${definition.name}: ${sig}, stopping\n`);
      processes.killAllNow();
      process.exit(130);
    });
  }

  const machine = machineInfo();
  const started = performance.now();
  const context: BenchmarkContext = {
    quick,
    processes,
    progress: message =>
      process.stderr.write(
        `[${definition.name} ${((performance.now() - started) / 1000).toFixed(
          1,
        )} s] ${message}\n`,
      ),
  };
  definition
    .run(context)
    .then(
      result => {
        const report: BenchmarkReport = {
          name: definition.name,
          title: definition.title,
          file: path.relative(repoRoot(definition.file), definition.file),
          ...result,
          durationMs: performance.now() - started,
        };
        const run: RunReport = { machine, quick, benchmarks: [report] };
        process.stdout.write(
          values.json
            ? `${JSON.stringify(run, null, 2)}\n`
            : `${formatMachine(machine)}\n\n${formatReport(report)}\n`,
        );
        return 0;
      },
      error => {
        process.stderr.write(
          `${definition.name} failed: ${error?.stack ?? error}\n`,
        );
        return 1;
      },
    )
    .then(async code => {
      await processes.stopAll();
      // Exit even if a library left a handle open (e.g. a keep-alive socket).
      process.exit(code);
    });
}
