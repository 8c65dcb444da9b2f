import { studentTQuantile, summaryFromSums } from '../stats/index.js';

export interface MeanInterval {
  mean: number | null;
  /** 95% confidence interval of the mean (Student t); null with fewer than 2 values. */
  low: number | null;
  high: number | null;
  n: number;
}

/** Mean and its 95% t-interval from count, sum and sum of squares. */
export function meanInterval(n: number, sum: number, sumSq: number): MeanInterval {
  if (n <= 0) return { mean: null, low: null, high: null, n: 0 };
  const { mean, variance } = summaryFromSums({ n, sum, sumSq });
  if (n < 2) return { mean, low: null, high: null, n };
  const half = studentTQuantile(0.975, n - 1) * Math.sqrt(variance / n);
  return { mean, low: mean - half, high: mean + half, n };
}
