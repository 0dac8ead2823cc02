import { evaluateCounts } from './counts';

const hour = (h: number) => new Date(Date.UTC(2025, 0, 1, h)).toISOString();

describe('evaluateCounts', () => {
  it('computes the SLI, budget and burn-down of a window', () => {
    // 99 % SLO, budget 1 %. Three hours of 1000 requests with 0, 10 and 20 errors:
    // total 3000, bad 30 → SLI 2970 / 3000 = 0.99, error ratio 0.01, consumed 0.01 / 0.01 = 1
    // burn-down: after 1h 0 bad → remaining 1; after 2h 10/2000 = 0.005 → 1 - 0.5 = 0.5;
    // after 3h 30/3000 = 0.01 → 0
    const result = evaluateCounts(
      [
        { t: hour(2), good: 990, total: 1000 },
        { t: hour(1), good: 1000, total: 1000 },
        { t: hour(3), good: 980, total: 1000 },
      ],
      0.99,
    );
    expect(result.total).toBe(3000);
    expect(result.good).toBe(2970);
    expect(result.sli).toBeCloseTo(0.99, 12);
    expect(result.budgetConsumed).toBeCloseTo(1, 9);
    expect(result.budgetRemaining).toBeCloseTo(0, 9);
    expect(result.burnDown.map(p => p.t)).toEqual([hour(1), hour(2), hour(3)]);
    expect(result.burnDown.map(p => p.budgetRemaining)).toEqual([
      1,
      expect.closeTo(0.5, 9),
      expect.closeTo(0, 9),
    ]);
    expect(result.burnDown[1].sli).toBeCloseTo(0.995, 12);
  });

  it('leaves the budget untouched when there is no traffic', () => {
    const result = evaluateCounts(
      [
        { t: hour(1), good: 0, total: 0 },
        { t: hour(2), good: 0, total: 0 },
      ],
      0.999,
    );
    expect(result.sli).toBeNull();
    expect(result.errorRatio).toBeNull();
    expect(result.budgetConsumed).toBe(0);
    expect(result.budgetRemaining).toBe(1);
    expect(result.burnDown).toEqual([
      { t: hour(1), sli: null, budgetRemaining: 1 },
      { t: hour(2), sli: null, budgetRemaining: 1 },
    ]);
    expect(evaluateCounts([], 0.999).sli).toBeNull();
  });

  it('counts a window of only errors as 1/budget budgets spent', () => {
    // 99.9 %: every request failed → error ratio 1, consumed 1 / 0.001 = 1000, remaining -999
    const result = evaluateCounts([{ t: hour(1), good: 0, total: 500 }], 0.999);
    expect(result.sli).toBe(0);
    expect(result.budgetConsumed).toBeCloseTo(1000, 6);
    expect(result.budgetRemaining).toBeCloseTo(-999, 6);
  });

  it('recomputes the whole window with the current objective when it changes', () => {
    // 10 000 requests over the window, 50 failed (error ratio 0.005), all before the change.
    // Under the old 99 % objective: consumed 0.005 / 0.01 = 0.5 (half the budget left).
    // The objective is tightened to 99.9 % mid-window: the whole window is measured
    // against it, 0.005 / 0.001 = 5 budgets consumed, remaining -4 — as Sloth and Pyrra
    // report it, since their rules hold one objective.
    const samples = [
      { t: hour(1), good: 4950, total: 5000 },
      { t: hour(2), good: 5000, total: 5000 },
    ];
    const before = evaluateCounts(samples, 0.99);
    const after = evaluateCounts(samples, 0.999);
    expect(before.budgetRemaining).toBeCloseTo(0.5, 9);
    expect(after.budgetConsumed).toBeCloseTo(5, 9);
    expect(after.budgetRemaining).toBeCloseTo(-4, 9);
    // the burn-down is redrawn too: already overspent after the first hour
    // (50 / 5000 = 0.01 → 0.01 / 0.001 = 10 budgets, remaining -9)
    expect(after.burnDown[0].budgetRemaining).toBeCloseTo(-9, 9);
    expect(after.sli).toBe(before.sli);
  });

  it('treats good above total as no errors and refuses negative counts', () => {
    expect(evaluateCounts([{ t: hour(1), good: 1001, total: 1000 }], 0.99).sli).toBe(1);
    expect(() => evaluateCounts([{ t: hour(1), good: -1, total: 5 }], 0.99)).toThrow(
      /non-negative/,
    );
  });
});
