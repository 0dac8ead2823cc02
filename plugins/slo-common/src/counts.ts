import type { SloHistoryPoint } from './types';
import { budgetConsumed } from './arithmetic';

/** Events counted in one step of a series (an `increase()` over the step, not a running total). */
export interface CountSample {
  /** End of the step: a Date, epoch milliseconds or ISO 8601. */
  t: Date | number | string;
  good: number;
  total: number;
}

export interface CountEvaluation {
  good: number;
  total: number;
  /** good / total over the series; null when there was no traffic. */
  sli: number | null;
  /** 1 - sli; null when there was no traffic. */
  errorRatio: number | null;
  /** Fraction of the budget consumed over the series (0 without traffic, may exceed 1). */
  budgetConsumed: number;
  budgetRemaining: number;
  /** After each sample: the SLI and the budget remaining from the start of the series to it (charts). */
  burnDown: SloHistoryPoint[];
}

/**
 * The SLI and budget of a window from the good and total events counted in
 * each step. The whole window is measured against the objective passed in:
 * when an SLO's objective changes mid-window the budget is recomputed for the
 * whole window with the current objective, as Sloth and Pyrra do (their
 * recording rules hold a single objective), so tightening 99 % to 99.9 %
 * can turn a half-spent budget into an overspent one at once.
 *
 * Good counts above total (possible from `increase()` extrapolation) count
 * as no bad events.
 */
export function evaluateCounts(
  samples: CountSample[],
  objective: number,
): CountEvaluation {
  const ordered = samples
    .map(sample => ({ ...sample, time: new Date(sample.t) }))
    .sort((a, b) => a.time.getTime() - b.time.getTime());
  let good = 0;
  let total = 0;
  const burnDown: SloHistoryPoint[] = [];
  for (const sample of ordered) {
    if (!(sample.total >= 0 && sample.good >= 0)) {
      throw new RangeError(
        `counts must be non-negative numbers, got good=${sample.good} total=${sample.total} at ${sample.time.toISOString()}`,
      );
    }
    good += Math.min(sample.good, sample.total);
    total += sample.total;
    const errorRatio = total > 0 ? (total - good) / total : null;
    burnDown.push({
      t: sample.time.toISOString(),
      sli: total > 0 ? good / total : null,
      budgetRemaining: 1 - budgetConsumed(errorRatio, objective),
    });
  }
  const errorRatio = total > 0 ? (total - good) / total : null;
  const consumed = budgetConsumed(errorRatio, objective);
  return {
    good,
    total,
    sli: total > 0 ? good / total : null,
    errorRatio,
    budgetConsumed: consumed,
    budgetRemaining: 1 - consumed,
    burnDown,
  };
}
