import type { Store } from '../store/store.js';
import { compareRuns, type RunComparison } from './compare-runs.js';
import { findRun, listRuns, type RunRecord } from './run-events.js';
import { resultsOf } from './run-results.js';

export interface ComparisonAnswer {
  runId: string;
  baselineRunId: string;
  /** false while either run has not completed: the table is then partial. */
  complete: boolean;
  comparison: RunComparison;
}

/** A run against its baseline run; undefined when it has none. */
export async function comparisonOf(store: Store, run: RunRecord): Promise<ComparisonAnswer | undefined> {
  if (!run.spec.baselineRunId) return undefined;
  const baseline = await findRun(store, run.spec.baselineRunId);
  if (!baseline) return undefined;
  const [before, after] = await Promise.all([resultsOf(store, baseline.id), resultsOf(store, run.id)]);
  return {
    runId: run.id,
    baselineRunId: baseline.id,
    complete: run.state === 'completed' && baseline.state === 'completed',
    comparison: compareRuns(run.spec.evaluators, before, after),
  };
}

/**
 * Did version N pass dataset D against version M? The latest completed run of N on D whose baseline is a completed
 * run of M; `passed` is null when there is none (the hook for release gates).
 */
export async function checkVersion(
  store: Store,
  q: { prompt: string; version: number; dataset: string; baselineVersion: number },
): Promise<{ passed: boolean | null; run: RunRecord | null; comparison: ComparisonAnswer | null }> {
  const runs = await listRuns(store, { prompt: q.prompt, dataset: q.dataset, states: ['completed'], limit: 1000 });
  const byId = new Map(runs.map((r) => [r.id, r]));
  const run = runs.find(
    (r) => r.spec.version === q.version && byId.get(r.spec.baselineRunId)?.spec.version === q.baselineVersion,
  );
  if (!run) return { passed: null, run: null, comparison: null };
  const comparison = (await comparisonOf(store, run))!;
  return { passed: comparison.comparison.regressions.length === 0, run, comparison };
}
