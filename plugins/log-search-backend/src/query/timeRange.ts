import { InputError } from '@backstage/errors';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** The range when a search names none. */
export const DEFAULT_RANGE = 'now-1h';

/**
 * `now`, `now-15m` (units ms, s, m, h, d, w), or an ISO 8601 time, as epoch
 * ms. Anything else is an InputError naming the parameter.
 */
export function parseTime(value: string, name: string, now: number): number {
  const text = value.trim();
  const relative = /^now(?:\s*([-+])\s*(\d+)\s*(ms|s|m|h|d|w))?$/.exec(text);
  if (relative) {
    if (!relative[1]) return now;
    const offset = Number(relative[2]) * UNIT_MS[relative[3]];
    return relative[1] === '-' ? now - offset : now + offset;
  }
  // Dates only when they look like ISO 8601: Date.parse accepts too much.
  if (/^\d{4}-\d\d-\d\d([T ][\d:.]+(Z|[+-]\d\d:?\d\d)?)?$/i.test(text)) {
    const parsed = Date.parse(text);
    if (!Number.isNaN(parsed)) return parsed;
  }
  throw new InputError(
    `${name}: '${value}' is not a time; use ISO 8601 (2026-11-26T10:00:00Z) or a relative time (now, now-15m, now-24h, now-7d)`,
  );
}

export interface TimeRange {
  from: number;
  to: number;
}

/** The search window; `from` defaults to an hour ago and `to` to now. */
export function parseTimeRange(
  from: string | undefined,
  to: string | undefined,
  now = Date.now(),
): TimeRange {
  const range = {
    from: parseTime(from || DEFAULT_RANGE, 'from', now),
    to: to ? parseTime(to, 'to', now) : now,
  };
  if (range.from >= range.to) {
    throw new InputError(
      `from (${new Date(
        range.from,
      ).toISOString()}) must be before to (${new Date(
        range.to,
      ).toISOString()})`,
    );
  }
  return range;
}

/** Bucket widths a histogram picks from: round numbers people read easily. */
const INTERVALS = [
  1_000, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000, 3_600_000,
  10_800_000, 21_600_000, 43_200_000, 86_400_000, 604_800_000,
];

/** The smallest round interval that covers the range in at most `buckets`. */
export function histogramInterval(range: TimeRange, buckets: number): number {
  const wanted = (range.to - range.from) / Math.max(buckets, 1);
  return (
    INTERVALS.find(i => i >= wanted) ??
    Math.ceil(wanted / 86_400_000) * 86_400_000
  );
}
