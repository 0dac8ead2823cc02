/** What a benchmark reports about one set of timings, in milliseconds. */
export interface Summary {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/**
 * The nearest-rank percentile of already sorted samples: the smallest sample
 * with at least p% of the samples at or below it. It is always a value that
 * was observed; with fewer than 100 samples p99 is the maximum.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) {
    throw new Error('percentile of no samples');
  }
  if (!(p > 0 && p <= 100)) {
    throw new Error(`percentile must be in (0, 100], got ${p}`);
  }
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1];
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((sum, x) => sum + x, 0);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: total / sorted.length,
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}
