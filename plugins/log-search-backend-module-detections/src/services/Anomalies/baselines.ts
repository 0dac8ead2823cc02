import type { ServiceCount } from '../../database/DatabaseDetectionStore';

export interface AnomalyOptions {
  /** Length of the interval judged, and of each baseline sample (minutes). */
  intervalMinutes: number;
  /** Weeks of history for each hour-of-week bucket. */
  weeks: number;
  /** Robust z-score (0.6745·(x − median) / MAD) beyond which it breaks. */
  threshold: number;
  /** Fewer baseline samples than this: no judgement. */
  minSamples: number;
  /** Error rates are judged only with at least this many events in the interval. */
  minVolume: number;
}

export const DEFAULT_ANOMALY_OPTIONS: AnomalyOptions = {
  intervalMinutes: 10,
  weeks: 4,
  threshold: 3.5,
  minSamples: 6,
  minVolume: 20,
};

export interface Anomaly {
  service: string;
  kind: 'volume' | 'error-rate';
  /** First minute (since the epoch) of the interval judged. */
  intervalStart: number;
  observed: number;
  median: number;
  mad: number;
  score: number;
  samples: number;
  entityRef?: string;
}

const MINUTES_PER_WEEK = 7 * 24 * 60;

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median absolute deviation from the median. */
export function mad(values: number[]): number {
  const m = median(values);
  return median(values.map(v => Math.abs(v - m)));
}

/** The hour (of the same hour-of-week) `weeksBack` weeks before an interval: [from, to) minutes. */
export function seasonalSlot(
  intervalStart: number,
  weeksBack: number,
): [number, number] {
  const hourStart =
    Math.floor(intervalStart / 60) * 60 - weeksBack * MINUTES_PER_WEEK;
  return [hourStart, hourStart + 60];
}

/** The minute ranges whose counts `detectAnomalies` needs for an interval. */
export function rangesNeeded(
  intervalStart: number,
  options: AnomalyOptions,
): Array<[number, number]> {
  const ranges: Array<[number, number]> = [
    [intervalStart, intervalStart + options.intervalMinutes],
  ];
  for (let w = 1; w <= options.weeks; w++)
    ranges.push(seasonalSlot(intervalStart, w));
  return ranges;
}

/**
 * Judges one interval of each service against its seasonal baseline: the
 * same hour of the week in the previous weeks, cut into intervals of the
 * same length, summarised by median and MAD so one past incident does not
 * move it. Volume breaks both ways (a drop to nothing is an outage); error
 * rate only upwards. A past week whose hour had no events gives no samples.
 */
export function detectAnomalies(
  counts: ServiceCount[],
  intervalStart: number,
  options: AnomalyOptions = DEFAULT_ANOMALY_OPTIONS,
): Anomaly[] {
  const byService = new Map<string, Map<number, ServiceCount>>();
  const entities = new Map<string, string>();
  for (const c of counts) {
    let minutes = byService.get(c.service);
    if (!minutes) byService.set(c.service, (minutes = new Map()));
    minutes.set(c.minute, c);
    if (c.entityRef) entities.set(c.service, c.entityRef);
  }
  const sum = (
    minutes: Map<number, ServiceCount>,
    from: number,
    to: number,
  ) => {
    let total = 0;
    let errors = 0;
    for (let m = from; m < to; m++) {
      const c = minutes.get(m);
      if (c) {
        total += c.total;
        errors += c.errors;
      }
    }
    return { total, errors };
  };

  const anomalies: Anomaly[] = [];
  const { intervalMinutes: len } = options;
  for (const [service, minutes] of byService) {
    const volumes: number[] = [];
    const rates: number[] = [];
    for (let w = 1; w <= options.weeks; w++) {
      const [from, to] = seasonalSlot(intervalStart, w);
      if (sum(minutes, from, to).total === 0) continue;
      for (let start = from; start + len <= to; start += len) {
        const s = sum(minutes, start, start + len);
        volumes.push(s.total);
        if (s.total >= options.minVolume) rates.push(s.errors / s.total);
      }
    }
    const now = sum(minutes, intervalStart, intervalStart + len);
    const entityRef = entities.get(service);
    const base = {
      service,
      intervalStart,
      ...(entityRef ? { entityRef } : {}),
    };

    if (volumes.length >= options.minSamples) {
      const m = median(volumes);
      const d = mad(volumes);
      // A flat history has no spread: count noise of a few events is not a break.
      const spread = Math.max(d, 0.05 * m, 1);
      const score = (0.6745 * (now.total - m)) / spread;
      if (Math.abs(score) > options.threshold) {
        anomalies.push({
          ...base,
          kind: 'volume',
          observed: now.total,
          median: m,
          mad: d,
          score,
          samples: volumes.length,
        });
      }
    }
    if (rates.length >= options.minSamples && now.total >= options.minVolume) {
      const rate = now.errors / now.total;
      const m = median(rates);
      const d = mad(rates);
      const spread = Math.max(d, 0.01);
      const score = (0.6745 * (rate - m)) / spread;
      if (score > options.threshold) {
        anomalies.push({
          ...base,
          kind: 'error-rate',
          observed: rate,
          median: m,
          mad: d,
          score,
          samples: rates.length,
        });
      }
    }
  }
  return anomalies;
}
