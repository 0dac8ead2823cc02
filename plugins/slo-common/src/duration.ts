const SECOND = 1;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const YEAR = 365 * DAY;

const PROM_UNITS: Record<string, number> = {
  y: YEAR,
  w: WEEK,
  d: DAY,
  h: HOUR,
  m: MINUTE,
  s: SECOND,
  ms: SECOND / 1000,
};

const PROM_DURATION = /^(?:\d+(?:y|w|d|h|ms|m|s))+$/;

/** Seconds of a Prometheus duration (`5m`, `1h30m`, `30d`); undefined when it is not one. */
export function parsePromDuration(text: string): number | undefined {
  if (!PROM_DURATION.test(text)) {
    return undefined;
  }
  let seconds = 0;
  for (const [, count, unit] of text.matchAll(/(\d+)(y|w|d|h|ms|m|s)/g)) {
    seconds += Number(count) * PROM_UNITS[unit];
  }
  return seconds;
}

/**
 * A duration as Prometheus prints it (`model.Duration.String()`): years and
 * weeks only when they divide exactly, so 28 days is `4w` and 30 days `30d`.
 * Sloth names its rules with this spelling (`slo:sli_error:ratio_rate30d`).
 */
export function formatPromDuration(seconds: number): string {
  let ms = Math.round(seconds * 1000);
  if (ms === 0) {
    return '0s';
  }
  let out = '';
  const take = (unit: string, unitMs: number, exact: boolean) => {
    if (exact && ms % unitMs !== 0) {
      return;
    }
    const count = Math.floor(ms / unitMs);
    if (count > 0) {
      out += `${count}${unit}`;
      ms -= count * unitMs;
    }
  };
  take('y', YEAR * 1000, true);
  take('w', WEEK * 1000, true);
  take('d', DAY * 1000, false);
  take('h', HOUR * 1000, false);
  take('m', MINUTE * 1000, false);
  take('s', SECOND * 1000, false);
  take('ms', 1, false);
  return out;
}

/** An OpenSLO duration shorthand: a count and a unit (`28d`, `1M`, `1Q`). */
export interface DurationShorthand {
  count: number;
  unit: 'm' | 'h' | 'd' | 'w' | 'M' | 'Q' | 'Y';
}

export function parseDurationShorthand(
  text: string,
): DurationShorthand | undefined {
  const match = /^(\d+)(m|h|d|w|M|Q|Y)$/.exec(text.trim());
  if (!match) {
    return undefined;
  }
  return {
    count: Number(match[1]),
    unit: match[2] as DurationShorthand['unit'],
  };
}

/**
 * Nominal length of a shorthand: calendar units count as 30, 90 and 365
 * days, which is how rolling `1M` windows are measured and how the alert
 * windows of calendar SLOs are scaled.
 */
export function shorthandSeconds(shorthand: DurationShorthand): number {
  const unitSeconds: Record<DurationShorthand['unit'], number> = {
    m: MINUTE,
    h: HOUR,
    d: DAY,
    w: WEEK,
    M: 30 * DAY,
    Q: 90 * DAY,
    Y: YEAR,
  };
  return shorthand.count * unitSeconds[shorthand.unit];
}

export const DURATION_SECONDS = { MINUTE, HOUR, DAY, WEEK, YEAR };
