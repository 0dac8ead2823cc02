import { DateTime, Duration } from 'luxon';
import type { CalendarUnit, SloDefinitionWindow } from './definition';
import type { SloWindow } from './types';
import { DURATION_SECONDS, formatPromDuration } from './duration';

const { DAY, WEEK, YEAR } = DURATION_SECONDS;

/** Nominal lengths of calendar periods, used to scale their alert windows. */
const NOMINAL_SECONDS: Record<CalendarUnit, number> = {
  day: DAY,
  week: WEEK,
  month: 30 * DAY,
  quarter: 90 * DAY,
  year: YEAR,
};

const UNIT_DURATION: Record<CalendarUnit, Duration> = {
  day: Duration.fromObject({ days: 1 }),
  week: Duration.fromObject({ weeks: 1 }),
  month: Duration.fromObject({ months: 1 }),
  quarter: Duration.fromObject({ quarters: 1 }),
  year: Duration.fromObject({ years: 1 }),
};

/**
 * The length the burn windows and alerts are scaled to: a rolling window's
 * own length; for a calendar window its nominal length (month 30 days,
 * quarter 90, year 365), so that the alert windows and the generated rules
 * do not change from one month to the next.
 */
export function periodSeconds(window: SloDefinitionWindow): number {
  return window.kind === 'rolling'
    ? window.seconds
    : NOMINAL_SECONDS[window.unit];
}

export interface SloPeriod {
  start: Date;
  end: Date;
  /** end - start in seconds (a calendar month has 28 to 31 days, DST days 23 or 25 hours). */
  seconds: number;
}

/**
 * The period that contains `now`. Rolling: the window ending now. Calendar:
 * the month (quarter, ...) in the window's time zone. Periods start at the
 * OpenSLO `calendar.startTime` and follow each other from there; without one
 * they follow the calendar (the 1st of the month at midnight, quarters in
 * January, April, July and October, ISO weeks from Monday).
 */
export function calendarPeriod(
  window: SloDefinitionWindow,
  now: Date,
): SloPeriod {
  if (window.kind === 'rolling') {
    const start = new Date(now.getTime() - window.seconds * 1000);
    return { start, end: now, seconds: window.seconds };
  }
  const zone = window.timeZone || 'UTC';
  const at = DateTime.fromJSDate(now, { zone });
  if (!at.isValid) {
    throw new RangeError(`unknown time zone ${JSON.stringify(zone)}`);
  }
  const anchor = periodAnchor(window.unit, zone, window.startTime);
  const step = UNIT_DURATION[window.unit];
  // Each boundary is computed from the anchor (not from the previous
  // boundary) so that a period anchored on the 31st keeps coming back to it.
  const boundary = (n: number) =>
    anchor.plus(Duration.fromObject(scale(step, n)));
  let n = Math.floor(at.diff(anchor, unitKey(window.unit)).as(unitKey(window.unit)));
  while (n > 0 && boundary(n) > at) n -= 1;
  while (boundary(n + 1) <= at) n += 1;
  const start = boundary(n);
  const end = boundary(n + 1);
  return {
    start: start.toJSDate(),
    end: end.toJSDate(),
    seconds: end.diff(start).as('seconds'),
  };
}

function unitKey(unit: CalendarUnit) {
  return `${unit}s` as 'days' | 'weeks' | 'months' | 'quarters' | 'years';
}

function scale(step: Duration, n: number) {
  const values = step.toObject() as Record<string, number>;
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, value * n]),
  );
}

function periodAnchor(
  unit: CalendarUnit,
  zone: string,
  startTime: string | undefined,
): DateTime {
  if (startTime) {
    const parsed = DateTime.fromISO(startTime.trim().replace(' ', 'T'), {
      zone,
    });
    if (!parsed.isValid) {
      throw new RangeError(
        `calendar.startTime ${JSON.stringify(startTime)} is not a date and time`,
      );
    }
    return parsed;
  }
  // 3 January 2000 was a Monday: weeks start there, the rest on the 1st.
  return DateTime.fromObject(
    { year: 2000, month: 1, day: unit === 'week' ? 3 : 1 },
    { zone },
  );
}

/**
 * The window in the contract's shape (`SloSummary.window`): a rolling
 * window's Prometheus duration, or a calendar window with the start of the
 * period that contains `now`.
 */
export function sloWindowAt(window: SloDefinitionWindow, now: Date): SloWindow {
  if (window.kind === 'rolling') {
    return { kind: 'rolling', duration: formatPromDuration(window.seconds) };
  }
  return {
    kind: 'calendar',
    unit: window.unit,
    timeZone: window.timeZone,
    start: calendarPeriod(window, now).start.toISOString(),
  };
}
