import {
  BURN_WINDOWS,
  BurnWindow,
  SloSummary,
  SloWindow,
} from '@pilothouse/plugin-slo-common';

const percent = (digits: number) =>
  new Intl.NumberFormat('en-US', {
    style: 'percent',
    maximumFractionDigits: digits,
  });
const objectivePercent = percent(3);
const sliPercent = percent(3);
const budgetPercent = percent(1);
const burnRateNumber = new Intl.NumberFormat('en-US', {
  maximumSignificantDigits: 3,
});

/** 0.999 → `99.9%` */
export const formatObjective = (objective: number) =>
  objectivePercent.format(objective);

/** 0.99623 → `99.623%`; null (no traffic) → `no traffic` */
export const formatSli = (value: number | null) =>
  value === null ? 'no traffic' : sliPercent.format(value);

/** 0.42 → `42%`, -0.35 → `-35%` (overspent); null → `unknown` */
export const formatBudget = (value: number | null) =>
  value === null ? 'unknown' : budgetPercent.format(value);

/** 14.4 → `14.4×`; null (no traffic in the window) → `—` */
export const formatBurnRate = (value: number | null | undefined) =>
  value === null || value === undefined
    ? '—'
    : `${burnRateNumber.format(value)}×`;

/** `30d` → `30 days`, `5m` → `5 minutes` */
function formatDuration(duration: string) {
  const match = duration.match(/^(\d+)([smhdwMy])$/);
  if (!match) return duration;
  const units: Record<string, string> = {
    s: 'second',
    m: 'minute',
    h: 'hour',
    d: 'day',
    w: 'week',
    M: 'month',
    y: 'year',
  };
  const count = Number(match[1]);
  return `${count} ${units[match[2]]}${count === 1 ? '' : 's'}`;
}

export function formatWindow(window: SloWindow) {
  if (window.kind === 'rolling') {
    return `rolling ${formatDuration(window.duration)}`;
  }
  const start = new Date(window.start);
  const since = Number.isNaN(start.getTime())
    ? window.start
    : start.toLocaleDateString('en-GB', {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        timeZone: window.timeZone,
      });
  return `calendar ${window.unit} (since ${since}, ${window.timeZone})`;
}

/** An ISO time as a person reads it, with how long ago. */
export function formatEvaluatedAt(iso: string, now = Date.now()) {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const minutes = Math.round((now - at.getTime()) / 60_000);
  const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  let ago: string;
  if (Math.abs(minutes) < 60) ago = relative.format(-minutes, 'minute');
  else if (Math.abs(minutes) < 48 * 60)
    ago = relative.format(-Math.round(minutes / 60), 'hour');
  else ago = relative.format(-Math.round(minutes / 1440), 'day');
  return `${at.toLocaleString('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  })} (${ago})`;
}

/** `since 27 Nov, 09:12` */
export function formatSince(iso: string) {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return `since ${iso}`;
  return `since ${at.toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  })}`;
}

/** The shortest window with a figure: the burn rate "now". */
export function burnRateNow(
  slo: SloSummary,
): { window: BurnWindow; value: number | null } | undefined {
  const window = BURN_WINDOWS.find(w => w in slo.burnRates);
  return window ? { window, value: slo.burnRates[window] ?? null } : undefined;
}

const statusRank: Record<SloSummary['status'], number> = {
  burning: 0,
  warning: 1,
  ok: 2,
  unknown: 2,
};

/**
 * Who is in trouble first: burning, then warning, then the least budget
 * remaining (unknown budgets last), then by title.
 */
export function byTrouble(a: SloSummary, b: SloSummary) {
  const rank = statusRank[a.status] - statusRank[b.status];
  if (rank !== 0) return rank;
  const budgetA = a.budgetRemaining ?? Number.POSITIVE_INFINITY;
  const budgetB = b.budgetRemaining ?? Number.POSITIVE_INFINITY;
  if (budgetA !== budgetB) return budgetA < budgetB ? -1 : 1;
  return a.title.localeCompare(b.title);
}

/** The newest evaluation among the SLOs: what the page shows when Prometheus is down. */
export function lastEvaluation(slos: SloSummary[]) {
  let newest: string | undefined;
  for (const slo of slos) {
    if (
      slo.evaluatedAt &&
      (!newest || Date.parse(slo.evaluatedAt) > Date.parse(newest))
    ) {
      newest = slo.evaluatedAt;
    }
  }
  return newest;
}
