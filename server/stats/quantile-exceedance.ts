/**
 * Pooled-quantile exceedance test for tail latency (p95 / p99).
 *
 * Take the q-quantile of both arms pooled together, count how many requests of each arm lie strictly above it,
 * and compare the two fractions with a one-sided two-proportion z-test. Under "no change" both arms are draws
 * from one distribution, so each arm's fraction above the pooled quantile is about 1 − q; a slower tail puts
 * more candidate requests above it. This is Mood's median test generalised to any quantile, and it is more
 * powerful for tail shifts than Mann-Whitney, which is dominated by the body of the distribution.
 *
 * The effect reported is the ratio of the arms' own quantiles (candidate / baseline), supplied by the caller
 * (e.g. quantilesDD in ClickHouse), because thresholds are stated as "p95 ×1.5".
 */
import { twoProportionZTest } from './proportions.js';
import { sortedFiniteCopy } from './sorted.js';

export interface ExceedanceArm {
  /** Requests in the arm. */
  n: number;
  /** Requests strictly above the pooled quantile. */
  above: number;
  /** The arm's own quantile (same q), used for the effect. */
  quantile: number;
}

export interface ExceedanceResult {
  /** above / n per arm. */
  baselineFraction: number;
  candidateFraction: number;
  z: number;
  /** One-sided p-value for H1: more candidate requests above the pooled quantile (a slower tail). */
  pGreater: number;
  /** One-sided p-value for H1: fewer candidate requests above the pooled quantile (a faster tail). */
  pLess: number;
  /** candidate.quantile / baseline.quantile. */
  quantileRatio: number;
}

/** Returns null when an arm is empty. */
export function quantileExceedanceTest(baseline: ExceedanceArm, candidate: ExceedanceArm): ExceedanceResult | null {
  const test = twoProportionZTest(baseline.above, baseline.n, candidate.above, candidate.n);
  if (!test) return null;
  return {
    baselineFraction: test.pBaseline,
    candidateFraction: test.pCandidate,
    z: test.z,
    pGreater: test.pGreater,
    pLess: test.pLess,
    quantileRatio: candidate.quantile / baseline.quantile,
  };
}

/**
 * Quantile of an ascending sorted array with linear interpolation between order statistics (the "type 7"
 * definition of R and NumPy's default). NaN when empty.
 */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const low = sorted[lo] ?? NaN;
  const high = sorted[Math.min(n - 1, lo + 1)] ?? NaN;
  return low + (h - lo) * (high - low);
}

export interface PooledExceedanceCounts {
  pooledQuantile: number;
  baselineAbove: number;
  candidateAbove: number;
  baselineQuantile: number;
  candidateQuantile: number;
}

/**
 * The counts the test needs, computed from raw (or sampled) values (non-finite values are ignored). `baselineScale` multiplies every baseline
 * value first (drift correction: compare the candidate with the baseline as it would look under the peers' drift).
 * The SQL equivalent, with {q} and {k} bound:
 *   WITH (SELECT quantile({q})(if(arm = 'baseline', latency_ms * {k}, latency_ms)) FROM …) AS pooled
 *   SELECT arm, countIf(if(arm = 'baseline', latency_ms * {k}, latency_ms) > pooled) … GROUP BY arm
 */
export function pooledExceedanceCounts(
  baseline: ArrayLike<number>,
  candidate: ArrayLike<number>,
  q: number,
  baselineScale = 1,
): PooledExceedanceCounts {
  const a = sortedFiniteCopy(baseline, baselineScale);
  const b = sortedFiniteCopy(candidate);
  const pooledQuantile = mergedQuantile(a, b, q);
  return {
    pooledQuantile,
    baselineAbove: countAbove(a, pooledQuantile),
    candidateAbove: countAbove(b, pooledQuantile),
    baselineQuantile: sortedQuantile(a, q),
    candidateQuantile: sortedQuantile(b, q),
  };
}

/** Type-7 quantile of the union of two sorted arrays, by walking their merge (no pooled copy, no sort). */
function mergedQuantile(a: Float64Array, b: Float64Array, q: number): number {
  const n = a.length + b.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  let i = 0;
  let j = 0;
  let low = NaN;
  for (let k = 0; k <= Math.min(n - 1, lo + 1); k++) {
    const takeA = j >= b.length || (i < a.length && (a[i] ?? Infinity) <= (b[j] ?? Infinity));
    const value = takeA ? (a[i++] ?? NaN) : (b[j++] ?? NaN);
    if (k === lo) low = value;
    if (k === lo + 1) return low + (h - lo) * (value - low);
  }
  return low; // lo is the last index: no interpolation needed
}

/** Number of values strictly greater than x in an ascending sorted array (binary search). */
function countAbove(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? Infinity) > x) hi = mid;
    else lo = mid + 1;
  }
  return sorted.length - lo;
}
