/**
 * A search's time range as the URL and the backend spell it: `from` and `to`
 * are ISO 8601 or relative (`now-15m`); no `to` means now.
 */
export interface TimeRange {
  from: string;
  to?: string;
}

export const RELATIVE_RANGES = [
  { value: '15m', label: 'Last 15 minutes' },
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
] as const;

export const DEFAULT_RANGE: TimeRange = { from: 'now-1h' };

const RELATIVE = /^now-(\d+)([smhdw])$/;
const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `15m` for `{ from: 'now-15m' }`; undefined for an absolute range. */
export function relativeOf(range: TimeRange) {
  if (range.to && range.to !== 'now') return undefined;
  const match = range.from.match(RELATIVE);
  return match ? `${match[1]}${match[2]}` : undefined;
}

export function rangeFromParams(params: URLSearchParams): TimeRange {
  const from = params.get('from');
  const to = params.get('to') ?? undefined;
  if (!from) return DEFAULT_RANGE;
  return to ? { from, to } : { from };
}

/** The instant a bound stands for, now. */
export function resolveBound(bound: string | undefined, now = Date.now()) {
  if (!bound || bound === 'now') return new Date(now);
  const match = bound.match(RELATIVE);
  if (match) return new Date(now - Number(match[1]) * UNIT_MS[match[2]]);
  return new Date(bound);
}

/**
 * How a saved search keeps its range: `15m` for a relative one, an ISO 8601
 * interval (`<from>/<to>`) for an absolute one.
 */
export function rangeToSaved(range: TimeRange) {
  return relativeOf(range) ?? `${range.from}/${range.to ?? 'now'}`;
}

export function rangeFromSaved(saved: string | undefined): TimeRange {
  if (!saved) return DEFAULT_RANGE;
  if (/^\d+[smhdw]$/.test(saved)) return { from: `now-${saved}` };
  const [from, to] = saved.split('/');
  if (!from) return DEFAULT_RANGE;
  return to && to !== 'now' ? { from, to } : { from };
}

/** "Last hour", or the absolute bounds in the reader's time zone. */
export function describeRange(range: TimeRange) {
  const relative = relativeOf(range);
  const known = RELATIVE_RANGES.find(r => r.value === relative);
  if (known) return known.label;
  if (relative) return `Last ${relative}`;
  const format = (date: Date) =>
    Number.isNaN(date.getTime()) ? 'an invalid time' : date.toLocaleString();
  return `${format(resolveBound(range.from))} – ${format(
    resolveBound(range.to),
  )}`;
}
