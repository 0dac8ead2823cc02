import type { ServiceCount } from '../../database/DatabaseDetectionStore';
import {
  DEFAULT_ANOMALY_OPTIONS,
  detectAnomalies,
  mad,
  median,
} from './baselines';

const WEEK = 7 * 24 * 60;
/** Monday 2026-11-23 00:00 UTC, in minutes. */
const MONDAY = Date.UTC(2026, 10, 23) / 60_000;

/** A deterministic wobble in [-1, 1], so tests do not depend on Math.random. */
const wobble = (n: number) =>
  Math.sin(n * 12.9898) * 0.5 + Math.sin(n * 78.233) * 0.5;

/**
 * Five weeks of per-minute counts for `payments`: busy on weekday office
 * hours (about 60 a minute at 09:00–17:00), quiet at night (about 5), 2 %
 * errors, each minute with some noise.
 */
function seasonalSeries(weeks = 5): ServiceCount[] {
  const counts: ServiceCount[] = [];
  const start = MONDAY - (weeks - 1) * WEEK;
  for (let minute = start; minute < start + weeks * WEEK; minute++) {
    const hour = Math.floor((minute % (24 * 60)) / 60);
    const day = Math.floor((minute - start) / (24 * 60)) % 7;
    const busy = day < 5 && hour >= 9 && hour < 17;
    const base = busy ? 60 : 5;
    const total = Math.max(0, Math.round(base * (1 + 0.2 * wobble(minute))));
    counts.push({
      service: 'payments',
      minute,
      total,
      errors: Math.round(total * 0.02),
    });
  }
  return counts;
}

/** Replaces the counts of `service` in [from, from + length) minutes. */
function overwrite(
  counts: ServiceCount[],
  from: number,
  length: number,
  f: (c: ServiceCount) => ServiceCount,
) {
  return counts.map(c =>
    c.minute >= from && c.minute < from + length ? f(c) : c,
  );
}

const options = DEFAULT_ANOMALY_OPTIONS;

describe('robust seasonal baselines', () => {
  it('median and MAD shrug off one outlier', () => {
    expect(median([1, 2, 3, 4, 1000])).toBe(3);
    expect(mad([1, 2, 3, 4, 1000])).toBe(1);
  });

  it('an ordinary Monday morning and an ordinary night are not anomalies', () => {
    const series = seasonalSeries();
    const mondayTen = MONDAY + 10 * 60;
    const mondayThree = MONDAY + 3 * 60;
    expect(detectAnomalies(series, mondayTen, options)).toEqual([]);
    expect(detectAnomalies(series, mondayThree, options)).toEqual([]);
  });

  it('a Monday-morning load at 3 am breaks the night baseline (the season matters)', () => {
    const at = MONDAY + 3 * 60;
    const series = overwrite(seasonalSeries(), at, 10, c => ({
      ...c,
      total: 60,
      errors: 1,
    }));
    const [anomaly, ...rest] = detectAnomalies(series, at, options);
    expect(rest).toEqual([]);
    expect(anomaly).toMatchObject({
      service: 'payments',
      kind: 'volume',
      observed: 600,
      samples: 24,
    });
    expect(anomaly.score).toBeGreaterThan(options.threshold);
  });

  it('silence during office hours is a volume drop', () => {
    const at = MONDAY + 11 * 60;
    const series = overwrite(seasonalSeries(), at, 10, c => ({
      ...c,
      total: 0,
      errors: 0,
    }));
    const [anomaly] = detectAnomalies(series, at, options);
    expect(anomaly).toMatchObject({ kind: 'volume', observed: 0 });
    expect(anomaly.score).toBeLessThan(-options.threshold);
  });

  it('an error rate of 30 % at normal volume breaks the error-rate baseline only', () => {
    const at = MONDAY + 14 * 60;
    const series = overwrite(seasonalSeries(), at, 10, c => ({
      ...c,
      errors: Math.round(c.total * 0.3),
    }));
    const anomalies = detectAnomalies(series, at, options);
    expect(anomalies.map(a => a.kind)).toEqual(['error-rate']);
    expect(anomalies[0].observed).toBeCloseTo(0.3, 1);
    expect(anomalies[0].median).toBeCloseTo(0.02, 2);
  });

  it('one past incident in the same hour does not hide the next one', () => {
    const at = MONDAY + 3 * 60;
    let series = seasonalSeries();
    // Last week's same hour had a spike too.
    series = overwrite(series, at - WEEK, 20, c => ({ ...c, total: 80 }));
    series = overwrite(series, at, 10, c => ({ ...c, total: 70 }));
    expect(detectAnomalies(series, at, options).map(a => a.kind)).toEqual([
      'volume',
    ]);
  });

  it('no judgement without enough history, and no error rate on a trickle', () => {
    const series = seasonalSeries(1);
    expect(detectAnomalies(series, MONDAY + 3 * 60, options)).toEqual([]);
    const quiet = overwrite(seasonalSeries(), MONDAY + 3 * 60, 10, c => ({
      ...c,
      total: 1,
      errors: 1,
    }));
    // Ten events, all errors: too few for a rate (minVolume 20); the drop in volume is its own anomaly.
    expect(
      detectAnomalies(quiet, MONDAY + 3 * 60, options).map(a => a.kind),
    ).not.toContain('error-rate');
  });
});
