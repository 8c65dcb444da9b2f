import type { EvaluatorDefinition } from '../evaluators/evaluator-spec.js';
import { scoreKind } from '../evaluators/evaluator-spec.js';
import { comparePaired, type PairedRow } from '../stats/paired-comparison.js';
import type { ItemResult } from './run-results.js';

/** Per score: both runs per category and pooled, with the paired test (server/stats/paired-comparison.ts). */
export interface ScoreComparison {
  name: string;
  kind: 'binary' | 'continuous';
  overall: PairedRow;
  categories: PairedRow[];
}

export interface RunComparison {
  scores: ScoreComparison[];
  /** Every (score, category) that regressed, the pooled row included as category `all`. */
  regressions: { score: string; category: string; summary: string }[];
}

/** Pairs the items of two runs of the same dataset version by id; a failed item or evaluator has no score. */
export function compareRuns(
  evaluators: readonly EvaluatorDefinition[],
  baseline: readonly ItemResult[],
  candidate: readonly ItemResult[],
): RunComparison {
  const before = new Map(baseline.map((r) => [r.itemId, r]));
  const ids = [...new Set([...baseline.map((r) => r.itemId), ...candidate.map((r) => r.itemId)])];
  const after = new Map(candidate.map((r) => [r.itemId, r]));
  const valueOf = (r: ItemResult | undefined, name: string) => r?.scores.find((s) => s.name === name)?.score ?? null;
  const scores = evaluators.map((e): ScoreComparison => {
    const kind = scoreKind(e.config);
    const paired = ids.map((id) => ({
      category: after.get(id)?.category ?? before.get(id)?.category ?? '',
      baseline: valueOf(before.get(id), e.name),
      candidate: valueOf(after.get(id), e.name),
    }));
    return { name: e.name, kind, ...comparePaired(paired, kind) };
  });
  const regressions = scores.flatMap((s) =>
    [s.overall, ...s.categories]
      .filter((row) => row.status === 'regressed')
      .map((row) => ({ score: s.name, category: row.category, summary: row.summary })),
  );
  return { scores, regressions };
}
