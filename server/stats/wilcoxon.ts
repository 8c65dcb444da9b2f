/**
 * Exact Wilcoxon signed-rank test for paired continuous scores (integrations.md G): differences d_i = B_i − A_i,
 * zeros dropped, |d| ranked (ties get their average rank), W⁻ the sum of the ranks of negative differences and W⁺
 * of positive ones; the exact two-sided p = 2·#{subsets of the ranks with sum ≤ min(W⁺, W⁻)} / 2ⁿ, counted over
 * doubled ranks so average ranks of ties stay integers. H0: the differences are symmetric about 0.
 */
import { normalCdf } from './distributions.js';

export interface WilcoxonResult {
  /** Non-zero differences (the n of the test). */
  n: number;
  wPlus: number;
  wMinus: number;
  /** Two-sided exact p-value; 1 when every difference is zero. */
  pValue: number;
}

/** Exact counting is O(n · Σranks); beyond this many non-zero differences the normal approximation is used. */
const EXACT_MAX_N = 400;
/** Differences closer to zero than this are ties with zero (scores are floats). */
const ZERO = 1e-12;

export function wilcoxonSignedRank(differences: readonly number[]): WilcoxonResult {
  const nonZero = differences.filter((d) => Math.abs(d) > ZERO);
  const n = nonZero.length;
  if (n === 0) return { n: 0, wPlus: 0, wMinus: 0, pValue: 1 };
  const doubled = doubledRanks(nonZero.map(Math.abs));
  let plus2 = 0;
  let minus2 = 0;
  nonZero.forEach((d, i) => {
    if (d > 0) plus2 += doubled[i]!;
    else minus2 += doubled[i]!;
  });
  const pValue = n <= EXACT_MAX_N ? exactP(doubled, Math.min(plus2, minus2)) : normalP(n, Math.min(plus2, minus2) / 2);
  return { n, wPlus: plus2 / 2, wMinus: minus2 / 2, pValue };
}

/** Twice the average ranks of the values (1-based), so ties stay whole numbers. */
function doubledRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && Math.abs(order[end + 1]!.v - order[start]!.v) <= ZERO) end++;
    const doubledAverage = start + end + 2; // (start+1 + end+1) / 2, doubled
    for (let k = start; k <= end; k++) ranks[order[k]!.i] = doubledAverage;
    start = end + 1;
  }
  return ranks;
}

/** 2·P(W ≤ w) under H0, counting subsets of the (doubled) ranks by their sum. */
function exactP(doubled: readonly number[], w2: number): number {
  const total = doubled.reduce((s, r) => s + r, 0);
  let counts = new Float64Array(total + 1);
  counts[0] = 1;
  for (const r of doubled) {
    const next = counts.slice();
    for (let s = 0; s + r <= total; s++) if (counts[s]) next[s + r]! += counts[s]!;
    counts = next;
  }
  let atMost = 0;
  for (let s = 0; s <= Math.min(w2, total); s++) atMost += counts[s]!;
  return Math.min(1, (2 * atMost) / Math.pow(2, doubled.length));
}

function normalP(n: number, w: number): number {
  const mean = (n * (n + 1)) / 4;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24);
  const z = (w - mean + 0.5) / sd;
  return Math.min(1, 2 * normalCdf(z));
}
