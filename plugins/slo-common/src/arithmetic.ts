import { BURN_WINDOWS, BurnWindow, SloAlertState, SloSummary } from './types';
import { DURATION_SECONDS, formatPromDuration } from './duration';

const { MINUTE, HOUR, DAY } = DURATION_SECONDS;

/** The period the workbook's windows and burn-rate factors are given for. */
export const WORKBOOK_PERIOD_SECONDS = 30 * DAY;

/** The burn windows at the workbook's 30-day period. */
export const BURN_WINDOW_SECONDS: Record<BurnWindow, number> = {
  '5m': 5 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': HOUR,
  '2h': 2 * HOUR,
  '6h': 6 * HOUR,
  '1d': DAY,
  '3d': 3 * DAY,
};

function checkObjective(objective: number) {
  if (!(objective > 0 && objective < 1)) {
    throw new RangeError(
      `objective must be a fraction between 0 and 1 (exclusive), got ${objective}`,
    );
  }
}

/** The error budget: the fraction of events allowed to fail, 1 - objective. */
export function errorBudget(objective: number): number {
  checkObjective(objective);
  return 1 - objective;
}

/**
 * How fast the budget burns: the error ratio over a window divided by the
 * budget. 1 spends exactly the budget by the end of the period; 14.4 spends
 * 2 % of a 30-day budget in one hour. Null when there was no traffic.
 */
export function burnRate(
  errorRatio: number | null,
  objective: number,
): number | null {
  if (errorRatio === null || Number.isNaN(errorRatio)) {
    return null;
  }
  return errorRatio / errorBudget(objective);
}

/**
 * Fraction of the budget consumed, given the error ratio over the SLO's
 * window (so far): the burn rate over the whole window. Above 1 when
 * overspent. No traffic consumes nothing.
 */
export function budgetConsumed(
  errorRatioOverWindow: number | null,
  objective: number,
): number {
  return burnRate(errorRatioOverWindow, objective) ?? 0;
}

/** 1 - budgetConsumed: negative when the budget is overspent. */
export function budgetRemaining(
  errorRatioOverWindow: number | null,
  objective: number,
): number {
  return 1 - budgetConsumed(errorRatioOverWindow, objective);
}

/** One burn window scaled to an SLO period. */
export interface ScaledBurnWindow {
  /** The window's name at the workbook's 30-day period (the `burnRates` key). */
  window: BurnWindow;
  seconds: number;
  /** As Prometheus spells it, for range selectors and rule names (`56m`, `4w`). */
  duration: string;
}

/**
 * The seven burn windows scaled proportionally to the period: a 7-day SLO
 * looks at 1m10s instead of 5m, so an alert fires after the same fraction of
 * its budget as the workbook's 30-day alert does (whole seconds, at least 1).
 */
export function burnWindows(periodSeconds: number): ScaledBurnWindow[] {
  if (!(periodSeconds > 0)) {
    throw new RangeError(`period must be positive, got ${periodSeconds}`);
  }
  return BURN_WINDOWS.map(window => {
    const seconds = Math.max(
      1,
      Math.round(
        (BURN_WINDOW_SECONDS[window] * periodSeconds) / WORKBOOK_PERIOD_SECONDS,
      ),
    );
    return { window, seconds, duration: formatPromDuration(seconds) };
  });
}

/** One alert of the multi-window multi-burn-rate policy. */
export interface BurnRateAlert {
  name: SloAlertState['name'];
  severity: SloAlertState['severity'];
  /** Share of the period's budget the alert spends in its long window (0.02 = 2 %). */
  budgetShare: number;
  /** The burn-rate factor both windows must exceed. */
  threshold: number;
  long: ScaledBurnWindow;
  short: ScaledBurnWindow;
}

/**
 * The workbook's three alerts (page 2 % of the budget in 1h, page 5 % in 6h,
 * ticket 10 % in 3d; short window 1/12 of the long one) with windows scaled
 * to the period. The factor is derived as Sloth does:
 * share × period hours / long-window hours, at the workbook's 30 days:
 * 0.02 × 720 / 1 = 14.4, 0.05 × 720 / 6 = 6, 0.10 × 720 / 72 = 1. Scaling the
 * windows keeps the factors.
 */
export function alertPolicy(periodSeconds: number): BurnRateAlert[] {
  const windows = new Map(
    burnWindows(periodSeconds).map(scaled => [scaled.window, scaled]),
  );
  return WORKBOOK_ALERTS.map(alert => ({
    name: alert.name,
    severity: alert.severity,
    budgetShare: alert.budgetPercent / 100,
    threshold: workbookFactor(alert.budgetPercent, alert.long),
    long: windows.get(alert.long)!,
    short: windows.get(alert.short)!,
  }));
}

const WORKBOOK_ALERTS: Array<{
  name: SloAlertState['name'];
  severity: SloAlertState['severity'];
  budgetPercent: number;
  long: BurnWindow;
  short: BurnWindow;
}> = [
  { name: 'page-fast', severity: 'page', budgetPercent: 2, long: '1h', short: '5m' },
  { name: 'page-slow', severity: 'page', budgetPercent: 5, long: '6h', short: '30m' },
  { name: 'ticket', severity: 'ticket', budgetPercent: 10, long: '3d', short: '6h' },
];

/** share (in %) × period hours / 100 / long-window hours, in Sloth's order of operations. */
export function workbookFactor(budgetPercent: number, long: BurnWindow): number {
  const periodHours = WORKBOOK_PERIOD_SECONDS / HOUR;
  return (budgetPercent * periodHours) / 100 / (BURN_WINDOW_SECONDS[long] / HOUR);
}

/**
 * The state of each alert given the burn rates per window: an alert fires
 * when both its long and its short window burn faster than its threshold
 * (strictly, as Sloth's `>`). A window without data does not fire.
 */
export function alertStates(
  burnRates: Partial<Record<BurnWindow, number | null>>,
  policy: BurnRateAlert[],
): SloAlertState[] {
  return policy.map(alert => {
    const longBurnRate = burnRates[alert.long.window] ?? null;
    const shortBurnRate = burnRates[alert.short.window] ?? null;
    return {
      name: alert.name,
      severity: alert.severity,
      threshold: alert.threshold,
      longWindow: alert.long.window,
      shortWindow: alert.short.window,
      longDuration: alert.long.duration,
      shortDuration: alert.short.duration,
      longBurnRate,
      shortBurnRate,
      firing:
        longBurnRate !== null &&
        shortBurnRate !== null &&
        longBurnRate > alert.threshold &&
        shortBurnRate > alert.threshold,
    };
  });
}

/**
 * `burning` when a page alert fires, `warning` when a ticket alert does,
 * `unknown` when the SLO was not evaluated (no alert states), else `ok`.
 * No traffic burns nothing, so it is `ok`.
 */
export function sloStatus(
  alerts: SloAlertState[] | undefined,
): SloSummary['status'] {
  if (!alerts || alerts.length === 0) {
    return 'unknown';
  }
  if (alerts.some(alert => alert.firing && alert.severity === 'page')) {
    return 'burning';
  }
  if (alerts.some(alert => alert.firing)) {
    return 'warning';
  }
  return 'ok';
}
