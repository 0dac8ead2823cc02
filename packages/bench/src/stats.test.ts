import { percentile, summarize } from './stats';

describe('percentile (nearest rank)', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('returns the sample at rank ceil(p/100 * n)', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 51)).toBe(30);
  });

  it('gives the maximum as p99 when there are fewer than 100 samples', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 1000], 99)).toBe(1000);
    expect(percentile([7], 99)).toBe(7);
  });

  it('refuses no samples and percentiles outside (0, 100]', () => {
    expect(() => percentile([], 50)).toThrow(/no samples/);
    expect(() => percentile([1], 0)).toThrow(/\(0, 100\]/);
    expect(() => percentile([1], 101)).toThrow(/\(0, 100\]/);
  });
});

describe('summarize', () => {
  it('sorts a copy and reports n, p50, p99, mean, min and max', () => {
    const samples = [5, 1, 4, 2, 3];
    expect(summarize(samples)).toEqual({
      n: 5,
      p50: 3,
      p99: 5,
      mean: 3,
      min: 1,
      max: 5,
    });
    expect(samples).toEqual([5, 1, 4, 2, 3]);
  });
});
