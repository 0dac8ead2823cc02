import {
  alertPolicy,
  alertStates,
  budgetConsumed,
  budgetRemaining,
  burnRate,
  burnWindows,
  errorBudget,
  sloStatus,
} from './arithmetic';

const DAY = 86400;

describe('error budget and burn rate', () => {
  it('computes the workbook figures for a 99.9 % SLO', () => {
    // budget = 1 - 0.999 = 0.001
    expect(errorBudget(0.999)).toBeCloseTo(0.001, 12);
    // 1.44 % errors / 0.1 % budget = 14.4: the fast page threshold
    expect(burnRate(0.0144, 0.999)).toBeCloseTo(14.4, 9);
    // 0.6 % / 0.1 % = 6: the slow page threshold
    expect(burnRate(0.006, 0.999)).toBeCloseTo(6, 9);
    // a burn rate of 1 spends exactly the budget over the period
    expect(burnRate(0.001, 0.999)).toBeCloseTo(1, 9);
  });

  it('answers how much of the budget a window spent', () => {
    // 99 % SLO, 0.25 % errors over the window: 0.0025 / 0.01 = 25 % spent, 75 % left
    expect(budgetConsumed(0.0025, 0.99)).toBeCloseTo(0.25, 12);
    expect(budgetRemaining(0.0025, 0.99)).toBeCloseTo(0.75, 12);
    // 100 % errors at 99.9 %: 1 / 0.001 = 1000 budgets, remaining 1 - 1000 = -999
    expect(budgetConsumed(1, 0.999)).toBeCloseTo(1000, 6);
    expect(budgetRemaining(1, 0.999)).toBeCloseTo(-999, 6);
  });

  it('leaves the budget untouched without traffic', () => {
    expect(burnRate(null, 0.999)).toBeNull();
    expect(burnRate(NaN, 0.999)).toBeNull();
    expect(budgetConsumed(null, 0.999)).toBe(0);
    expect(budgetRemaining(null, 0.999)).toBe(1);
  });

  it('refuses objectives that are not fractions', () => {
    expect(() => errorBudget(99.9)).toThrow(/fraction between 0 and 1/);
    expect(() => errorBudget(1)).toThrow(RangeError);
  });
});

describe('burnWindows', () => {
  it('keeps the workbook windows at 30 days', () => {
    expect(burnWindows(30 * DAY).map(w => w.duration)).toEqual([
      '5m', '30m', '1h', '2h', '6h', '1d', '3d',
    ]);
  });

  it('scales the windows proportionally to the period', () => {
    // 7 days: factor 7/30; 5m = 300 s × 7/30 = 70 s; 1h = 3600 × 7/30 = 840 s = 14m;
    // 3d = 259200 × 7/30 = 60480 s = 16h48m
    const week = burnWindows(7 * DAY);
    expect(week.map(w => w.seconds)).toEqual([70, 420, 840, 1680, 5040, 20160, 60480]);
    expect(week.map(w => w.duration)).toEqual([
      '1m10s', '7m', '14m', '28m', '1h24m', '5h36m', '16h48m',
    ]);
    // 28 days: 5m × 28/30 = 280 s = 4m40s; 3d × 28/30 = 241920 s = 2d19h12m
    const fourWeeks = burnWindows(28 * DAY);
    expect(fourWeeks[0].duration).toBe('4m40s');
    expect(fourWeeks[6].duration).toBe('2d19h12m');
    // 90 days (a quarter): × 3; 3d → 9d (Prometheus writes weeks only when they divide exactly)
    expect(burnWindows(90 * DAY).map(w => w.duration)).toEqual([
      '15m', '1h30m', '3h', '6h', '18h', '3d', '9d',
    ]);
  });
});

describe('alertPolicy and alertStates', () => {
  it('is the workbook policy at 30 days', () => {
    const policy = alertPolicy(30 * DAY);
    expect(
      policy.map(a => [a.name, a.severity, a.threshold, a.long.duration, a.short.duration]),
    ).toEqual([
      ['page-fast', 'page', 14.4, '1h', '5m'],
      ['page-slow', 'page', 6, '6h', '30m'],
      ['ticket', 'ticket', 1, '3d', '6h'],
    ]);
    // the short window is 1/12 of the long one
    for (const alert of policy) {
      expect(alert.long.seconds / alert.short.seconds).toBe(12);
    }
  });

  it('keeps the thresholds and scales the windows for 7 days', () => {
    const policy = alertPolicy(7 * DAY);
    expect(policy.map(a => [a.threshold, a.long.duration, a.short.duration])).toEqual([
      [14.4, '14m', '1m10s'],
      [6, '1h24m', '7m'],
      [1, '16h48m', '1h24m'],
    ]);
    // 14.4 × 14m / 7d = 14.4 × 840 / 604800 = 0.02: still 2 % of the budget
    expect((14.4 * 840) / (7 * DAY)).toBeCloseTo(0.02, 12);
  });

  it('fires only when both windows exceed the threshold', () => {
    const policy = alertPolicy(30 * DAY);
    const states = alertStates(
      { '5m': 20, '1h': 15, '30m': 7, '6h': 5.9, '3d': null },
      policy,
    );
    expect(states.map(s => [s.name, s.firing])).toEqual([
      ['page-fast', true], // 15 > 14.4 and 20 > 14.4
      ['page-slow', false], // 7 > 6 but 5.9 is not
      ['ticket', false], // no data for 3d
    ]);
    expect(states[0]).toMatchObject({
      longWindow: '1h',
      shortWindow: '5m',
      longDuration: '1h',
      shortDuration: '5m',
      longBurnRate: 15,
      shortBurnRate: 20,
      threshold: 14.4,
      severity: 'page',
    });
    expect(sloStatus(states)).toBe('burning');
  });

  it('does not fire at exactly the threshold', () => {
    const states = alertStates({ '1h': 14.4, '5m': 14.4 }, alertPolicy(30 * DAY));
    expect(states[0].firing).toBe(false);
  });

  it('sorts the status by the most severe alert that fires', () => {
    const policy = alertPolicy(30 * DAY);
    expect(sloStatus(alertStates({ '3d': 1.5, '6h': 2 }, policy))).toBe('warning');
    expect(sloStatus(alertStates({ '3d': 0.5, '6h': 0.5 }, policy))).toBe('ok');
    // no traffic: every burn rate null, nothing burns
    expect(sloStatus(alertStates({}, policy))).toBe('ok');
    expect(sloStatus(undefined)).toBe('unknown');
  });
});
