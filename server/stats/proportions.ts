/**
 * Tests on proportions: the pooled two-proportion z-test (as ClickHouse `proportionsZTest(..., 'pooled')`)
 * and the Wilson score interval for a single proportion.
 */
import { normalCdf, normalQuantile, normalSf } from './distributions.js';

export interface ProportionZResult {
  /** Baseline proportion x_A / n_A. */
  pBaseline: number;
  /** Candidate proportion x_B / n_B. */
  pCandidate: number;
  /** pCandidate − pBaseline. */
  diff: number;
  /** Pooled proportion (x_A + x_B) / (n_A + n_B), the common value under H0. */
  pooled: number;
  z: number;
  pTwoSided: number;
  /** One-sided p-value for H1: candidate proportion > baseline proportion. */
  pGreater: number;
  /** One-sided p-value for H1: candidate proportion < baseline proportion. */
  pLess: number;
}

/**
 * Two-proportion z-test with the pooled standard error:
 *   z = (p_B − p_A) / sqrt(p̂ (1 − p̂) (1/n_A + 1/n_B)),  p̂ = (x_A + x_B) / (n_A + n_B).
 * Counts may be fractional (drift correction scales them). Returns null when an arm is empty. When the pooled
 * proportion is 0 or 1 both arms are identical, so z = 0 and every p-value is 1.
 */
export function twoProportionZTest(
  baselineSuccesses: number,
  baselineN: number,
  candidateSuccesses: number,
  candidateN: number,
): ProportionZResult | null {
  if (!(baselineN > 0 && candidateN > 0)) return null;
  const pBaseline = baselineSuccesses / baselineN;
  const pCandidate = candidateSuccesses / candidateN;
  const diff = pCandidate - pBaseline;
  const pooled = (baselineSuccesses + candidateSuccesses) / (baselineN + candidateN);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / baselineN + 1 / candidateN));
  if (!(se > 0)) return { pBaseline, pCandidate, diff, pooled, z: 0, pTwoSided: 1, pGreater: 1, pLess: 1 };
  const z = diff / se;
  const pGreater = normalSf(z);
  const pLess = normalCdf(z);
  return {
    pBaseline,
    pCandidate,
    diff,
    pooled,
    z,
    pTwoSided: Math.min(1, 2 * Math.min(pGreater, pLess)),
    pGreater,
    pLess,
  };
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/**
 * Wilson score interval for x successes out of n: better than the Wald interval for small n or p near 0 / 1.
 *   centre = (p + z²/2n) / (1 + z²/n),  half-width = z·sqrt(p(1−p)/n + z²/4n²) / (1 + z²/n).
 */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Interval {
  if (!(n > 0)) return { estimate: NaN, low: 0, high: 1 };
  const p = successes / n;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { estimate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
