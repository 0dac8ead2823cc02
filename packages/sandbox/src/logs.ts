import type { SandboxSeed } from './seed';

/**
 * Application logs for the seeded workloads, sent to the portal's log
 * search ingest (`POST /api/log-search/v1/ingest`, JSON lines with
 * Fluent Bit's Kubernetes fields) so that its Logs page has something to
 * show on a laptop. Stand-in traffic, made up here: payments times out
 * calling its ledger now and then, and misbehaving workloads log their
 * crashes.
 */
export interface LogEmitterOptions {
  url: string;
  token: string;
  seed: SandboxSeed;
  /** Between two batches of new lines. */
  intervalMs?: number;
  /** Lines per workload spread over the hour before the first send. */
  backfillPerWorkload?: number;
  onError?(message: string): void;
}

type Workload = SandboxSeed['kubernetes']['workloads'][number];

const INFO_LINES = [
  () => `GET /healthz 200 in ${rand(1, 5)} ms`,
  (w: Workload) =>
    `GET /api/${w.component}/${rand(1000, 9999)} 200 in ${rand(8, 120)} ms`,
  (w: Workload) => `POST /api/${w.component} 201 in ${rand(20, 300)} ms`,
  () => `cache hit ratio ${rand(80, 99)}%`,
  () => `published ${rand(1, 20)} events to the queue`,
];

function rand(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

function pod(w: Workload): string {
  return `${w.deployment}-${(w.deployment.length * 7919)
    .toString(36)
    .slice(0, 5)}-${rand(0, (w.replicas ?? 1) - 1)}`;
}

/** One log record as Fluent Bit with its Kubernetes filter would send it. */
export function logLine(
  w: Workload,
  time: number,
  kind?: 'timeout',
): Record<string, unknown> {
  const base = {
    timestamp: new Date(time).toISOString(),
    service: w.component,
    kubernetes: {
      namespace_name: w.namespace,
      pod_name: pod(w),
      container_name: w.deployment,
      labels: { app: w.component },
    },
  };
  const roll = Math.random();
  if (w.component === 'payments' && (roll < 0.15 || kind === 'timeout')) {
    return {
      ...base,
      level: 'error',
      message: `upstream timeout after 3000 ms calling ledger (order ${rand(
        1000,
        9999,
      )})`,
      http: { method: 'POST', route: '/api/payments/charge', status_code: 504 },
      trace_id: Array.from({ length: 32 }, () => rand(0, 15).toString(16)).join(
        '',
      ),
    };
  }
  if (w.behaviour === 'CrashLoopBackOff' && roll < 0.3) {
    return {
      ...base,
      level: 'fatal',
      message: 'panic: connection refused: config service unreachable; exiting',
    };
  }
  if (roll < 0.08) {
    return {
      ...base,
      level: 'warn',
      message: `slow request: ${rand(800, 2500)} ms`,
      http: { status_code: 200 },
    };
  }
  const line = INFO_LINES[rand(0, INFO_LINES.length - 1)](w);
  const status = Number(/ (\d{3}) in /.exec(line)?.[1] ?? 0);
  return {
    ...base,
    level: 'info',
    message: line,
    ...(status ? { http: { status_code: status } } : {}),
  };
}

/** Starts sending; returns a stop function. */
export function startLogEmitter(options: LogEmitterOptions): () => void {
  const workloads = options.seed.kubernetes.workloads;
  const interval = options.intervalMs ?? 10_000;
  let backfilled = false;
  let reported = false;

  const batch = (): string => {
    const now = Date.now();
    const lines: Record<string, unknown>[] = [];
    if (!backfilled) {
      const count = options.backfillPerWorkload ?? 40;
      for (const w of workloads) {
        for (let i = 0; i < count; i++)
          lines.push(logLine(w, now - rand(0, 3_600_000)));
        // The Logs page's first search (payments timeouts) always finds some.
        for (let i = 0; i < 3; i++)
          lines.push(logLine(w, now - rand(0, 900_000), 'timeout'));
      }
    }
    for (const w of workloads) {
      for (let i = rand(1, 3); i > 0; i--)
        lines.push(logLine(w, now - rand(0, interval)));
    }
    return lines.map(line => JSON.stringify(line)).join('\n');
  };

  const send = async () => {
    try {
      const res = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-ndjson',
          authorization: `Bearer ${options.token}`,
        },
        body: batch(),
      });
      if (res.ok) {
        backfilled = true;
        reported = false;
      } else if (!reported && res.status !== 404 && res.status !== 503) {
        reported = true;
        options.onError?.(
          `log ingest answered ${res.status}: ${(await res.text()).slice(
            0,
            200,
          )}`,
        );
      }
    } catch {
      // The portal starts after the sandbox: until it listens, try again later.
    }
  };
  void send();
  const timer = setInterval(send, interval);
  timer.unref();
  return () => clearInterval(timer);
}
