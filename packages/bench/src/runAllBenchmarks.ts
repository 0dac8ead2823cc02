/**
 * `yarn bench`: runs every benchmark in the repository, each in its own
 * process, and prints one report. A benchmark is a file matching
 * `packages/<pkg>/bench/*.bench.ts` or `plugins/<pkg>/bench/*.bench.ts` that
 * calls runBenchmark.
 */

import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ChildProcesses } from './processes';
import { formatMachine, formatReport, machineInfo } from './report';
import { BENCHMARK_HELP, repoRoot, RunReport } from './runBenchmark';
import { formatDuration, formatSummary, summarizeBenchmarks } from './summary';

/** Where the JSON report goes unless --out says otherwise. */
export const DEFAULT_OUT = 'bench-results/latest.json';

const HELP = `yarn bench [options] [filter...]

Runs every benchmark file (packages/*/bench/*.bench.ts, plugins/*/bench/*.bench.ts),
or those whose path contains one of the filters, one after another, and prints
each figure beside its baseline from the same run.

${BENCHMARK_HELP}  --out <file>  where to write the JSON report (default ${DEFAULT_OUT},
                from the repository root; git-ignored)

At the end it prints one table over all benchmarks, each figure beside its
baseline and the ratio, with the machine and the total time on top.
`;

/** Benchmark files, relative to the repository root, in a stable order. */
export function findBenchmarks(root: string): string[] {
  const found: string[] = [];
  for (const area of ['packages', 'plugins']) {
    const areaDir = path.join(root, area);
    if (!fs.existsSync(areaDir)) continue;
    for (const pkg of fs.readdirSync(areaDir).sort()) {
      const benchDir = path.join(areaDir, pkg, 'bench');
      if (!fs.existsSync(benchDir)) continue;
      for (const file of fs.readdirSync(benchDir).sort()) {
        if (file.endsWith('.bench.ts')) {
          found.push(path.join(area, pkg, 'bench', file));
        }
      }
    }
  }
  return found;
}

function runOne(
  root: string,
  file: string,
  quick: boolean,
  processes: ChildProcesses,
): Promise<RunReport> {
  const transform = require.resolve(
    '@backstage/cli-node/config/nodeTransform.cjs',
  );
  const child = processes.spawn(
    process.execPath,
    [
      '--require',
      transform,
      path.join(root, file),
      '--json',
      ...(quick ? ['--quick'] : []),
    ],
    {
      // The package directory, as when the package's own scripts run.
      cwd: path.join(root, path.dirname(path.dirname(file))),
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let stdout = '';
  child.stdout?.on('data', chunk => {
    stdout += String(chunk);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', code => {
      if (code !== 0) {
        reject(new Error(`exited with code ${code}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as RunReport);
      } catch (error) {
        reject(new Error(`printed no JSON report: ${error}`));
      }
    });
  });
}

/** A path relative to the repository root when it is inside it. */
function shortPath(root: string, file: string): string {
  const relative = path.relative(root, file);
  return relative.startsWith('..') ? file : relative;
}

/** Writes the run as JSON, creating the directory. */
export function writeJson(file: string, run: RunReport): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      quick: { type: 'boolean' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const root = repoRoot(process.cwd());
  const files = findBenchmarks(root).filter(
    file => positionals.length === 0 || positionals.some(f => file.includes(f)),
  );
  if (files.length === 0) {
    process.stderr.write(
      positionals.length
        ? `No benchmark matches ${positionals.join(' ')}\n`
        : 'No benchmarks found\n',
    );
    return positionals.length ? 1 : 0;
  }

  const quick = Boolean(values.quick);
  const processes = new ChildProcesses();
  let interrupted: Promise<number> | undefined;
  process.once('exit', () => processes.killAllNow());
  // The benchmark stops its own children when signalled, so signal it and wait.
  const onSignal = () => {
    interrupted = processes.stopAll().then(() => 130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const run: RunReport = {
    machine: machineInfo(),
    quick,
    benchmarks: [],
    failures: [],
  };
  const started = performance.now();
  for (const file of files) {
    if (interrupted) break;
    process.stderr.write(`yarn bench: running ${file}\n`);
    try {
      run.benchmarks.push(
        ...(await runOne(root, file, quick, processes)).benchmarks,
      );
    } catch (error) {
      run.failures!.push({ file, error: String((error as Error).message) });
    }
  }
  run.durationMs = performance.now() - started;
  if (interrupted) {
    return interrupted;
  }
  run.summary = summarizeBenchmarks(run.benchmarks);

  const out = path.resolve(root, values.out ?? DEFAULT_OUT);
  writeJson(out, run);

  if (values.json) {
    process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
  } else {
    process.stdout.write(
      [
        '',
        formatMachine(run.machine),
        ...run.benchmarks.map(report => `\n${formatReport(report)}`),
        '',
        `${run.benchmarks.length} of ${
          files.length
        } benchmark(s) in ${formatDuration(run.durationMs)}${
          quick ? ' (--quick)' : ''
        }`,
        ...run.failures!.map(f => `FAILED ${f.file}: ${f.error}`),
        '',
        '== All benchmarks ==',
        formatSummary({
          machine: run.machine,
          entries: run.summary,
          totalMs: run.durationMs,
          quick,
        }),
        ...run.failures!.map(f => `FAILED ${f.file}: ${f.error}`),
        '',
      ].join('\n'),
    );
  }
  process.stderr.write(
    `yarn bench: ${run.benchmarks.length} of ${
      files.length
    } benchmark(s) in ${formatDuration(run.durationMs)}; JSON report in ${shortPath(root, out)}\n`,
  );
  return run.failures!.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    code => process.exit(code),
    error => {
      process.stderr.write(`yarn bench: ${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
