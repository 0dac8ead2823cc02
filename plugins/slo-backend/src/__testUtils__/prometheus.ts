import {
  MetricsService,
  SCRAPE_LABELS,
  ServiceMetrics,
  writeMetricsHistory,
} from '@pilothouse/sandbox';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root (for catalog/ and ../shared/fixtures). */
export const repoRoot = path.resolve(__dirname, '../../../..');

/** The seeded services' traffic, as catalog/sandbox.yaml has it; payments in an incident for 3 h. */
export const TEST_SERVICES: MetricsService[] = [
  {
    service: 'payments',
    namespace: 'payments',
    requestsPerSecond: 40,
    errorRatio: 0.0003,
    latency: { medianSeconds: 0.09, spread: 0.5 },
    incident: { errorRatio: 0.03, startedHoursAgo: 3 },
  },
  {
    service: 'checkout',
    namespace: 'checkout',
    requestsPerSecond: 25,
    errorRatio: 0.0002,
    latency: { medianSeconds: 0.12, spread: 0.45 },
  },
  {
    service: 'orders',
    namespace: 'checkout',
    requestsPerSecond: 15,
    errorRatio: 0.0004,
    latency: { medianSeconds: 0.06, spread: 0.5 },
  },
];

function which(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, tool);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface TestPrometheus {
  url: string;
  /** The instant the history ends at, and the tests evaluate at. */
  end: Date;
  metrics: ServiceMetrics;
  /** Stops Prometheus (the data stays until cleanup). */
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

/**
 * Debian's Prometheus, loaded with 30 days of the services' history ending
 * at `end` (backfilled with `promtool tsdb create-blocks-from openmetrics`),
 * scraping nothing. Fails, saying how to install it, when the binaries are
 * missing: these tests need the real thing.
 */
export async function startTestPrometheus(
  options: { end?: Date; services?: MetricsService[]; days?: number } = {},
): Promise<TestPrometheus> {
  const prometheus = which('prometheus');
  const promtool = which('promtool');
  if (!prometheus || !promtool) {
    throw new Error(
      'These tests run a real Prometheus: prometheus and promtool are not on PATH. Install Debian\'s prometheus package (apt-get install prometheus; scripts/test.sh does so when run as root).',
    );
  }
  const endSeconds = Math.floor((options.end?.getTime() ?? Date.now()) / 60_000) * 60;
  const end = new Date(endSeconds * 1000);
  const metrics = new ServiceMetrics(options.services ?? TEST_SERVICES, {
    incidentAnchorMs: end.getTime(),
  });
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'slo-prometheus-'));
  const history = path.join(dir, 'history.om');
  await writeMetricsHistory(metrics, fs.createWriteStream(history), {
    end: endSeconds,
    seconds: (options.days ?? 30) * 86_400,
    extraLabels: SCRAPE_LABELS,
  });
  await run(promtool, [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    '--quiet',
    '--max-block-duration=720h',
    history,
    path.join(dir, 'tsdb'),
  ]);
  await fs.promises.rm(history);
  await fs.promises.writeFile(
    path.join(dir, 'prometheus.yml'),
    'global:\n  scrape_interval: 1m\nscrape_configs: []\n',
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    prometheus,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
      '--storage.tsdb.retention.time=90d',
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', chunk => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`Prometheus exited (${child.exitCode}): ${stderr}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`Prometheus did not become ready in 60 s: ${stderr}`);
    }
    await new Promise(r => setTimeout(r, 200));
  }
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise(r => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  return {
    url,
    end,
    metrics,
    stop,
    async cleanup() {
      await stop();
      await fs.promises.rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The error ratio of a service over (from, to] straight from the model
 * the history was written from: the ground truth an evaluation must find.
 */
export function trueErrorRatio(
  metrics: ServiceMetrics,
  service: string,
  fromSeconds: number,
  toSeconds: number,
): number {
  const count = (t: number) => {
    const samples = metrics.samples('http_requests', t).filter(
      s => s.labels.service === service,
    );
    const total = samples.reduce((n, s) => n + s.value, 0);
    const errors = samples
      .filter(s => s.labels.code.startsWith('5'))
      .reduce((n, s) => n + s.value, 0);
    return { total, errors };
  };
  const a = count(fromSeconds);
  const b = count(toSeconds);
  return (b.errors - a.errors) / (b.total - a.total);
}
