/**
 * Mann-Whitney U test (Wilcoxon rank-sum) with the normal approximation, tie correction and continuity
 * correction — the same statistic as ClickHouse `mannWhitneyUTest` and SciPy `mannwhitneyu(method='asymptotic')`.
 *
 *   U_B = R_B − n_B(n_B + 1)/2            (R_B = sum of the candidate's ranks in the pooled sample, ties averaged)
 *   E[U] = n_A n_B / 2,   Var[U] = n_A n_B / 12 · ((N + 1) − Σ(t³ − t) / (N(N − 1)))   (t = size of each tie group)
 *   z = (U_B − E[U] ∓ 0.5) / sd            (continuity correction toward the mean)
 *
 * "greater" means the candidate tends to take larger values (P(B > A) > 1/2). The effect reported alongside is
 * the ratio of medians (candidate / baseline), not the Hodges-Lehmann shift. Non-finite values are ignored.
 * Sorting dominates the cost: O(N log N), about 60 ms for 100,000 values per arm (less if already sorted).
 */
import { normalCdf, normalSf } from './distributions.js';
import { sortedFiniteCopy } from './sorted.js';

export type Alternative = 'greater' | 'less' | 'two-sided';

export interface MannWhitneyResult {
  /** U statistic of the candidate arm: number of (candidate, baseline) pairs with candidate > baseline (ties ½). */
  u: number;
  z: number;
  /** p-value for the requested alternative. */
  p: number;
  alternative: Alternative;
  nBaseline: number;
  nCandidate: number;
  baselineMedian: number;
  candidateMedian: number;
  /** candidateMedian / baselineMedian. */
  medianRatio: number;
}

export interface MannWhitneyOptions {
  alternative?: Alternative;
  continuityCorrection?: boolean;
  /** Medians to report instead of the samples' own (e.g. exact medians from the full data in ClickHouse). */
  baselineMedian?: number;
  candidateMedian?: number;
}

/** Median of an ascending sorted array (NaN when empty). */
export function sortedMedian(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const mid = Math.floor(n / 2);
  const upper = sorted[mid] ?? NaN;
  return n % 2 === 1 ? upper : ((sorted[mid - 1] ?? NaN) + upper) / 2;
}

export function median(values: ArrayLike<number>): number {
  return sortedMedian(sortedFiniteCopy(values));
}

/** Returns null when either arm has no finite value. */
export function mannWhitneyU(
  baseline: ArrayLike<number>,
  candidate: ArrayLike<number>,
  options: MannWhitneyOptions = {},
): MannWhitneyResult | null {
  const alternative = options.alternative ?? 'greater';
  const continuity = options.continuityCorrection ?? true;
  const a = sortedFiniteCopy(baseline);
  const b = sortedFiniteCopy(candidate);
  const nA = a.length;
  const nB = b.length;
  if (nA === 0 || nB === 0) return null;
  const n = nA + nB;

  // Walk both sorted arrays together, one group of equal values at a time; every member of a group gets the
  // group's average rank. Accumulate the candidate's rank sum and the tie term Σ(t³ − t).
  let i = 0;
  let j = 0;
  let rank = 0; // ranks used so far
  let rankSumB = 0;
  let tieTerm = 0;
  while (i < nA || j < nB) {
    const va = i < nA ? (a[i] ?? Infinity) : Infinity;
    const vb = j < nB ? (b[j] ?? Infinity) : Infinity;
    const v = Math.min(va, vb);
    let countA = 0;
    let countB = 0;
    while (i < nA && a[i] === v) {
      i++;
      countA++;
    }
    while (j < nB && b[j] === v) {
      j++;
      countB++;
    }
    const t = countA + countB;
    const averageRank = rank + (t + 1) / 2;
    rankSumB += countB * averageRank;
    tieTerm += t * t * t - t;
    rank += t;
  }

  const u = rankSumB - (nB * (nB + 1)) / 2;
  const mean = (nA * nB) / 2;
  const variance = ((nA * nB) / 12) * (n + 1 - (n > 1 ? tieTerm / (n * (n - 1)) : 0));
  const baselineMedian = options.baselineMedian ?? sortedMedian(a);
  const candidateMedian = options.candidateMedian ?? sortedMedian(b);
  const common = { u, alternative, nBaseline: nA, nCandidate: nB, baselineMedian, candidateMedian };
  const medianRatio = candidateMedian / baselineMedian;
  if (!(variance > 0)) return { ...common, z: 0, p: 1, medianRatio };

  const sd = Math.sqrt(variance);
  const cc = continuity ? 0.5 : 0;
  let z: number;
  let p: number;
  if (alternative === 'greater') {
    z = (u - mean - cc) / sd;
    p = normalSf(z);
  } else if (alternative === 'less') {
    z = (u - mean + cc) / sd;
    p = normalCdf(z);
  } else {
    const deviation = Math.max(0, Math.abs(u - mean) - cc);
    z = (Math.sign(u - mean) * deviation) / sd;
    p = Math.min(1, 2 * normalSf(deviation / sd));
  }
  return { ...common, z, p, medianRatio };
}
