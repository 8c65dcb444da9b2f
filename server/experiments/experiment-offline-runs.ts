import type { CategoryResult, OfflineRun } from '../analysis/offline-evaluations-query.js';
import type { Store } from '../store/store.js';
import { listRuns } from './run-events.js';
import { resultsOf } from './run-results.js';

/** A score at least this passes (as for offline evaluations sent by applications). */
const PASS_SCORE = 0.5;

/**
 * The latest completed experiment run of each version (all versions when `versions` is empty) in the shape of an
 * offline evaluation run, so Compare shows what Tracelane ran beside what applications sent (`POST /evaluations`).
 * A run is scored by its first evaluator; an item that failed or has no score counts as not passed, with score 0.
 */
export async function latestExperimentRuns(
  store: Store,
  prompt: string,
  versions: readonly number[],
): Promise<OfflineRun[]> {
  const runs = await listRuns(store, { prompt, states: ['completed'], limit: 1000 });
  const latest = new Map<number, (typeof runs)[number]>();
  for (const run of runs) {
    const wanted = versions.length === 0 || versions.includes(run.spec.version);
    if (wanted && !latest.has(run.spec.version)) latest.set(run.spec.version, run); // newest first
  }
  return Promise.all(
    [...latest.values()].map(async (run): Promise<OfflineRun> => {
      const evaluator = run.spec.evaluators[0]?.name ?? '';
      const results = await resultsOf(store, run.id);
      const byCategory = new Map<string, number[]>();
      for (const r of results) {
        const score = r.scores.find((s) => s.name === evaluator)?.score ?? 0;
        byCategory.set(r.category, [...(byCategory.get(r.category) ?? []), score]);
      }
      const categories = [...byCategory.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([category, scores]): CategoryResult => summary(category, scores));
      const all = summary('', [...byCategory.values()].flat());
      return {
        runId: run.id,
        version: run.spec.version,
        dataset: run.spec.dataset,
        createdAt: run.createdAt,
        items: all.items,
        passed: all.passed,
        meanScore: all.meanScore,
        categories,
      };
    }),
  );
}

function summary(category: string, scores: number[]): CategoryResult {
  const items = scores.length;
  return {
    category,
    items,
    passed: scores.filter((s) => s >= PASS_SCORE).length,
    meanScore: items === 0 ? 0 : scores.reduce((a, b) => a + b, 0) / items,
  };
}
