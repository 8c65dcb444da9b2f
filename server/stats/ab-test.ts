/**
 * The verdict of an A/B test on its primary metric (pure). Two or more variants, each summarised by the count, sum
 * and sum of squares of the metric per request (a score, cost, latency, tokens; the error rate as the mean of 0/1).
 *
 * Every pair of variants is compared with Welch's test; with k variants there are m = k(k−1)/2 pairs, so each uses
 * α/m (Bonferroni) and its interval the matching confidence 1 − α/m. A variant wins only when it is significantly
 * better than every other variant — never the best estimate by noise — and the result quotes its effect against the
 * closest competitor with that interval. Otherwise: no detectable difference at the traffic seen, with the smallest
 * difference the test would have detected (80 % power) so that "no difference" is not read as "the same". Below the
 * minimum samples in any variant the result is `insufficient`. The test is fixed-horizon: a winner is declared only
 * once the test has ended (the caller says so), so looking at interim results does not inflate false winners.
 */
import { normalQuantile } from './distributions.js';
import { summaryFromSums, welchTTest, type MomentSums } from './welch.js';

export type Goal = 'increase' | 'decrease';

export interface VariantMoments extends MomentSums {
  version: number;
}

export interface PairComparison {
  /** The better variant by estimate, and the other one. */
  better: number;
  worse: number;
  /** Estimate of `better` minus `worse`, with its Bonferroni-adjusted interval. */
  diff: number;
  ci: [number, number];
  /** Two-sided p-value of Welch's test, compared with alpha / pairs. */
  p: number;
  significant: boolean;
}

export type AbOutcome = 'winner' | 'no_difference' | 'insufficient';

export interface AbVerdict {
  outcome: AbOutcome;
  winner: number | null;
  /** The variant closest to the winner (by estimate) and the winner's effect against it. */
  runnerUp: number | null;
  effect: { diff: number; ci: [number, number]; relative: number | null } | null;
  /** Per variant: n and mean. */
  variants: { version: number; n: number; mean: number | null }[];
  comparisons: PairComparison[];
  /** Smallest difference between the two best variants detectable with 80 % power at the traffic seen. */
  detectable: number | null;
  /** Level of each pairwise test (alpha / pairs). */
  pairAlpha: number;
}

export interface AbOptions {
  goal: Goal;
  alpha: number;
  /** Observations each variant needs before anything is concluded. */
  minSamples: number;
}

const POWER_Z = normalQuantile(0.8);

export function judgeAbTest(variants: readonly VariantMoments[], options: AbOptions): AbVerdict {
  const pairs = (variants.length * (variants.length - 1)) / 2;
  const pairAlpha = options.alpha / Math.max(1, pairs);
  const summaries = variants.map((v) => ({ version: v.version, ...summaryFromSums(v) }));
  const better = (a: number, b: number) => (options.goal === 'increase' ? a > b : a < b);
  const ranked = [...summaries].sort((a, b) => (better(a.mean, b.mean) ? -1 : better(b.mean, a.mean) ? 1 : 0));
  const base = {
    variants: summaries.map((s) => ({ version: s.version, n: s.n, mean: Number.isFinite(s.mean) ? s.mean : null })),
    pairAlpha,
  };
  const none = { winner: null, runnerUp: null, effect: null };
  if (variants.length < 2 || summaries.some((s) => s.n < Math.max(2, options.minSamples))) {
    return { ...base, ...none, outcome: 'insufficient', comparisons: [], detectable: null };
  }

  const comparisons: PairComparison[] = [];
  for (let i = 0; i < ranked.length; i++) {
    for (let j = i + 1; j < ranked.length; j++) {
      const top = ranked[i] as (typeof ranked)[number];
      const other = ranked[j] as (typeof ranked)[number];
      const test = welchTTest(other, top, 1 - pairAlpha);
      const p = test?.pTwoSided ?? 1;
      comparisons.push({
        better: top.version,
        worse: other.version,
        diff: top.mean - other.mean,
        ci: test?.ci ?? [NaN, NaN],
        p,
        significant: p < pairAlpha && top.mean !== other.mean,
      });
    }
  }
  const [first, second] = ranked as [(typeof ranked)[number], (typeof ranked)[number]];
  const headToHead = comparisons.find((c) => c.better === first.version && c.worse === second.version);
  const se = Math.sqrt(first.variance / first.n + second.variance / second.n);
  const detectable = Number.isFinite(se) ? (normalQuantile(1 - pairAlpha / 2) + POWER_Z) * se : null;
  const beatsAll = comparisons.filter((c) => c.better === first.version).every((c) => c.significant);
  if (!beatsAll || !headToHead) {
    return { ...base, ...none, outcome: 'no_difference', comparisons, detectable };
  }
  return {
    ...base,
    outcome: 'winner',
    winner: first.version,
    runnerUp: second.version,
    effect: {
      diff: headToHead.diff,
      ci: headToHead.ci,
      relative: second.mean !== 0 ? headToHead.diff / Math.abs(second.mean) : null,
    },
    comparisons,
    detectable,
  };
}
