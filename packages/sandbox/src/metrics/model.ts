import { z } from 'zod';

/**
 * Request metrics of the seeded services, as a pure function of time: the
 * counters at any instant are the integral of a request rate, so what
 * `/metrics` answers now and the history written for Prometheus' backfill
 * are the same series, with no counter reset where they meet.
 */

export const metricsServiceSchema = z.object({
  /** Catalog component name; the `service` label. */
  service: z.string(),
  /** Kubernetes namespace; the `namespace` label. */
  namespace: z.string(),
  /** Mean requests per second; the rate swings ±30 % over each day. */
  requestsPerSecond: z.number().positive(),
  /** Fraction of requests answered 5xx outside an incident. */
  errorRatio: z.number().min(0).max(1),
  /** Log-normal latency: its median, and the spread (sigma of its log). */
  latency: z.object({
    medianSeconds: z.number().positive(),
    spread: z.number().positive().default(0.5),
  }),
  /** An incident still going on: from `startedHoursAgo` (before the data directory was first used), this error ratio. */
  incident: z
    .object({
      errorRatio: z.number().min(0).max(1),
      startedHoursAgo: z.number().positive(),
    })
    .optional(),
});

export const metricsSeedSchema = z.object({
  services: z.array(metricsServiceSchema).default([]),
});

export type MetricsService = z.infer<typeof metricsServiceSchema>;
export type MetricsSeed = z.infer<typeof metricsSeedSchema>;

/** Upper bounds of the latency histogram's buckets, in seconds (`+Inf` added). */
export const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Share of requests answered 404: counted as good by the seeded SLOs. */
const NOT_FOUND_RATIO = 0.005;
/** Counters start at 2025-01-01T00:00:00Z, so values stay readable. */
const COUNTER_EPOCH_SECONDS = Date.UTC(2025, 0, 1) / 1000;
const DAY_SECONDS = 86_400;
const DAILY_SWING = 0.3;
const OMEGA = (2 * Math.PI) / DAY_SECONDS;

/** Seconds of traffic at the mean rate up to `t` (unix seconds): ∫ 1 + 0.3·sin(ωu) du. */
function trafficIntegral(t: number): number {
  const u = t - COUNTER_EPOCH_SECONDS;
  return u + (DAILY_SWING / OMEGA) * (1 - Math.cos(OMEGA * u));
}

/** Standard normal CDF (Abramowitz and Stegun 7.1.26, error < 1.5e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly =
    t *
    (0.254829592 +
      t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** One sample of one series. */
export interface MetricSample {
  /** Metric name as exposed, e.g. `http_requests_total`. */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  /** Family name (`http_requests`), its type and help. */
  name: string;
  type: 'counter' | 'histogram';
  help: string;
}

export const FAMILIES: MetricFamily[] = [
  {
    name: 'http_requests',
    type: 'counter',
    help: 'HTTP requests answered, by status code.',
  },
  {
    name: 'http_request_duration_seconds',
    type: 'histogram',
    help: 'HTTP request latency.',
  },
];

export interface ServiceMetricsOptions {
  /** When the incidents' `startedHoursAgo` count from (unix ms). */
  incidentAnchorMs: number;
}

/** The seeded services' request metrics at any instant. */
export class ServiceMetrics {
  constructor(
    readonly services: MetricsService[],
    private readonly options: ServiceMetricsOptions,
  ) {}

  /** When the service's incident began (unix seconds), if it has one. */
  incidentStart(service: MetricsService): number | undefined {
    if (!service.incident) return undefined;
    return (
      this.options.incidentAnchorMs / 1000 -
      service.incident.startedHoursAgo * 3600
    );
  }

  /** Every sample of one family at `t` (unix seconds), series in a stable order. */
  samples(family: MetricFamily['name'], t: number): MetricSample[] {
    return this.services.flatMap(s => this.serviceSamples(family, s, t));
  }

  /** One service's samples of one family at `t`, in a stable order. */
  serviceSamples(
    family: MetricFamily['name'],
    s: MetricsService,
    t: number,
  ): MetricSample[] {
    return family === 'http_requests'
      ? this.requestSamples(s, t)
      : this.latencySamples(s, t);
  }

  private totalAt(s: MetricsService, t: number): number {
    return s.requestsPerSecond * trafficIntegral(t);
  }

  private errorsAt(s: MetricsService, t: number): number {
    const total = this.totalAt(s, t);
    let errors = s.errorRatio * total;
    const start = this.incidentStart(s);
    if (s.incident && start !== undefined && t > start) {
      errors +=
        (s.incident.errorRatio - s.errorRatio) *
        (total - this.totalAt(s, start));
    }
    return errors;
  }

  private requestSamples(s: MetricsService, t: number): MetricSample[] {
    const total = this.totalAt(s, t);
    const errors = this.errorsAt(s, t);
    const notFound = NOT_FOUND_RATIO * total;
    const base = { service: s.service, namespace: s.namespace };
    return [
      {
        name: 'http_requests_total',
        labels: { ...base, code: '200' },
        value: total - errors - notFound,
      },
      {
        name: 'http_requests_total',
        labels: { ...base, code: '404' },
        value: notFound,
      },
      {
        name: 'http_requests_total',
        labels: { ...base, code: '500' },
        value: errors,
      },
    ];
  }

  private latencySamples(s: MetricsService, t: number): MetricSample[] {
    const total = this.totalAt(s, t);
    const base = { service: s.service, namespace: s.namespace };
    const { medianSeconds, spread } = s.latency;
    const share = (le: number) =>
      normalCdf(Math.log(le / medianSeconds) / spread);
    const name = 'http_request_duration_seconds';
    return [
      ...LATENCY_BUCKETS.map(le => ({
        name: `${name}_bucket`,
        labels: { ...base, le: String(le) },
        value: total * share(le),
      })),
      { name: `${name}_bucket`, labels: { ...base, le: '+Inf' }, value: total },
      { name: `${name}_count`, labels: base, value: total },
      {
        name: `${name}_sum`,
        labels: base,
        value: total * medianSeconds * Math.exp((spread * spread) / 2),
      },
    ];
  }
}

function escapeLabel(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/"/g, '\\"');
}

export function formatSample(sample: MetricSample): string {
  const labels = Object.entries(sample.labels)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',');
  return `${sample.name}{${labels}} ${sample.value}`;
}

/** The Prometheus text exposition format (0.0.4) of every family at `t`. */
export function exposition(metrics: ServiceMetrics, t: number): string {
  const lines: string[] = [];
  for (const family of FAMILIES) {
    const exposed =
      family.type === 'counter' ? `${family.name}_total` : family.name;
    lines.push(`# HELP ${exposed} ${family.help}`);
    lines.push(`# TYPE ${exposed} ${family.type}`);
    for (const sample of metrics.samples(family.name, t)) {
      lines.push(formatSample(sample));
    }
  }
  return `${lines.join('\n')}\n`;
}
