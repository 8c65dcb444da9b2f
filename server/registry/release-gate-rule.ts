import type { RunComparison } from '../experiments/compare-runs.js';
import type { PairedRow } from '../stats/paired-comparison.js';

/**
 * The release gate's rule, pure. A labelled test set has few items per category — five tickets per team — and an
 * exact paired test on five items can never reach significance (the smallest McNemar p with five discordant items
 * is 0.0625), so "regressed" alone would let billing 4/5 → 2/5 through. The gate therefore refuses when, for any
 * score:
 *
 * - a category, or the pooled row `all`, regressed significantly (the paired test; categories Holm-adjusted);
 * - a category dropped by more than the policy's `maxDrop`: the pass rate for pass/fail scores ((4 − 2)/5 = 0.4),
 *   the mean score for continuous ones;
 * - a category has items not scored by both versions (an error, no answer): a gate does not pass on what it could
 *   not see.
 *
 * Improvements and drops within the tolerance pass.
 */
export interface GateFinding {
  score: string;
  category: string;
  /** Pass-rate or mean drop (baseline − candidate); negative is an improvement. */
  drop: number;
  status: PairedRow['status'];
  reason: string;
}

/** Floating-point slack, so a drop exactly at the tolerance passes. */
const EPSILON = 1e-9;

export function gateFindings(comparison: RunComparison, maxDrop: number): GateFinding[] {
  return comparison.scores.flatMap((score) =>
    [...score.categories, score.overall].flatMap((row): GateFinding[] => {
      const drop = dropOf(row);
      const category = row.category === '' ? '(no category)' : row.category;
      const finding = (what: string): GateFinding[] => [
        { score: score.name, category, drop, status: row.status, reason: `${category}: ${score.name} ${what}` },
      ];
      if (row.status === 'regressed') return finding(`${describe(row)}, regressed significantly`);
      if (row === score.overall) return []; // the pooled row sums the categories: judged by significance only
      if (row.unpaired > 0) return finding(`${row.unpaired} item(s) not scored by both versions`);
      if (drop > maxDrop + EPSILON)
        return finding(`${describe(row)}, a drop of ${drop.toFixed(2)} > tolerance ${maxDrop}`);
      return [];
    }),
  );
}

function dropOf(row: PairedRow): number {
  if (row.n === 0) return 0;
  if (row.test === 'mcnemar') return (row.baselinePassed - row.candidatePassed) / row.n;
  return (row.baselineMean ?? 0) - (row.candidateMean ?? 0);
}

function describe(row: PairedRow): string {
  if (row.test === 'mcnemar') return `${row.baselinePassed}/${row.n} → ${row.candidatePassed}/${row.n}`;
  return `mean ${(row.baselineMean ?? 0).toFixed(2)} → ${(row.candidateMean ?? 0).toFixed(2)}`;
}
