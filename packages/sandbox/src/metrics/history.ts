import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { FAMILIES, formatSample, ServiceMetrics } from './model';

export interface MetricsHistoryOptions {
  /** Last instant written (unix seconds). */
  end: number;
  /** How far back the history goes. Default 30 days. */
  seconds?: number;
  /** Step of the samples older than a day. Default 600 s. */
  coarseStepSeconds?: number;
  /** Step of the last day's samples. Default 60 s. */
  fineStepSeconds?: number;
}

/** The sample instants, oldest first: coarse steps, then fine ones for the last day. */
export function historyInstants(options: MetricsHistoryOptions): number[] {
  const seconds = options.seconds ?? 30 * 86_400;
  const coarse = options.coarseStepSeconds ?? 600;
  const fine = options.fineStepSeconds ?? 60;
  const fineFrom = options.end - Math.min(seconds, 86_400);
  const instants: number[] = [];
  // Counted back from the end, so the last sample is exactly `end`.
  for (let t = options.end; t >= fineFrom; t -= fine) instants.push(t);
  const oldest = instants[instants.length - 1];
  for (let t = oldest - coarse; t >= options.end - seconds; t -= coarse) {
    instants.push(t);
  }
  return instants.reverse();
}

/**
 * Writes the same series `/metrics` serves as an OpenMetrics history, for
 * `promtool tsdb create-blocks-from openmetrics`: one metric family at a
 * time, each series' points (a histogram's buckets, count and sum together)
 * in time order, `# EOF` at the end. `extraLabels` are added to every
 * series (the `job` and `instance` Prometheus' scrape gives them).
 */
export async function writeMetricsHistory(
  metrics: ServiceMetrics,
  out: Writable,
  options: MetricsHistoryOptions & { extraLabels?: Record<string, string> },
): Promise<void> {
  const instants = historyInstants(options);
  const extra = options.extraLabels ?? {};
  let buffer = '';
  const write = async (line: string) => {
    buffer += `${line}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  };
  for (const family of FAMILIES) {
    await write(`# HELP ${family.name} ${family.help}`);
    await write(`# TYPE ${family.name} ${family.type}`);
    for (const service of metrics.services) {
      const points = instants.map(t =>
        metrics.serviceSamples(family.name, service, t),
      );
      const series = points[0].length;
      // A counter's series one after another; a histogram's as one point per instant.
      const groups =
        family.type === 'counter'
          ? Array.from({ length: series }, (_, i) => [i])
          : [Array.from({ length: series }, (_, i) => i)];
      for (const group of groups) {
        for (let k = 0; k < instants.length; k++) {
          for (const i of group) {
            const sample = points[k][i];
            await write(
              `${formatSample({
                ...sample,
                labels: { ...extra, ...sample.labels },
              })} ${instants[k]}`,
            );
          }
        }
      }
    }
  }
  await write('# EOF');
  if (buffer) out.write(buffer);
  out.end();
  await once(out, 'finish');
}
