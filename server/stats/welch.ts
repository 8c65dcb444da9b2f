/**
 * Welch's unequal-variance t-test from summary statistics, so ClickHouse can supply count / sum / sum of squares.
 *   diff = m_B − m_A,  se² = s_A²/n_A + s_B²/n_B,  t = diff / se,
 *   df (Welch–Satterthwaite) = se⁴ / ((s_A²/n_A)²/(n_A−1) + (s_B²/n_B)²/(n_B−1)).
 * Arm A is the baseline, arm B the candidate; "greater" means the candidate's mean is larger.
 */
import { studentTQuantile, studentTSf, studentTCdf } from './distributions.js';

/** Mean and sample variance (denominator n − 1) of one arm. */
export interface MeanSummary {
  n: number;
  mean: number;
  variance: number;
}

/** Count, sum and sum of squares of one arm: `count(x), sum(x), sum(x * x)` in SQL. */
export interface MomentSums {
  n: number;
  sum: number;
  sumSq: number;
}

/**
 * Mean and sample variance from moment sums. The variance is (Σx² − (Σx)²/n)/(n − 1); floating-point
 * cancellation can make it slightly negative when all values are equal, so it is clamped at 0.
 */
export function summaryFromSums(s: MomentSums): MeanSummary {
  if (s.n <= 0) return { n: 0, mean: NaN, variance: NaN };
  const mean = s.sum / s.n;
  if (s.n < 2) return { n: s.n, mean, variance: NaN };
  const variance = Math.max(0, (s.sumSq - (s.sum * s.sum) / s.n) / (s.n - 1));
  return { n: s.n, mean, variance };
}

export interface WelchResult {
  /** Candidate mean minus baseline mean. */
  diff: number;
  /** Standard error of diff. */
  se: number;
  t: number;
  df: number;
  /** Two-sided p-value (H1: means differ). */
  pTwoSided: number;
  /** One-sided p-value for H1: candidate mean > baseline mean. */
  pGreater: number;
  /** One-sided p-value for H1: candidate mean < baseline mean. */
  pLess: number;
  /** Two-sided confidence interval for diff at `confidence`. */
  ci: [number, number];
  confidence: number;
}

/**
 * Welch test of candidate vs baseline. Returns null when an arm has fewer than 2 observations (no variance
 * estimate). When both variances are 0 the difference is exact: t = ±∞ and p = 0, or t = 0 and p = 1.
 */
export function welchTTest(baseline: MeanSummary, candidate: MeanSummary, confidence = 0.95): WelchResult | null {
  if (!(baseline.n >= 2 && candidate.n >= 2)) return null;
  if (![baseline.mean, baseline.variance, candidate.mean, candidate.variance].every(Number.isFinite)) return null;
  const va = baseline.variance / baseline.n;
  const vb = candidate.variance / candidate.n;
  const diff = candidate.mean - baseline.mean;
  const se = Math.sqrt(va + vb);
  const dfDenominator = (va * va) / (baseline.n - 1) + (vb * vb) / (candidate.n - 1);
  // With zero variance in both arms the Satterthwaite formula is 0/0; fall back to the pooled df.
  const df = dfDenominator > 0 ? ((va + vb) * (va + vb)) / dfDenominator : baseline.n + candidate.n - 2;

  if (se === 0) {
    const t = diff === 0 ? 0 : diff > 0 ? Infinity : -Infinity;
    const pGreater = diff > 0 ? 0 : 1;
    const pLess = diff < 0 ? 0 : 1;
    return { diff, se, t, df, pTwoSided: diff === 0 ? 1 : 0, pGreater, pLess, ci: [diff, diff], confidence };
  }

  const t = diff / se;
  const pGreater = studentTSf(t, df);
  const pLess = studentTCdf(t, df);
  const pTwoSided = Math.min(1, 2 * Math.min(pGreater, pLess));
  const half = studentTQuantile(1 - (1 - confidence) / 2, df) * se;
  return { diff, se, t, df, pTwoSided, pGreater, pLess, ci: [diff - half, diff + half], confidence };
}
