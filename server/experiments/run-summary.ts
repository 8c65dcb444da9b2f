import { scoreKind } from '../evaluators/evaluator-spec.js';
import type { Store } from '../store/store.js';
import type { RunRecord } from './run-events.js';
import type { LiveProgress, Progress } from './run-progress.js';
import { resultTotals } from './run-results.js';
import type { RunState } from './run-spec.js';

/** A run as the API shows it (and as SSE `experiment.*` events carry it). */
export interface RunSummary {
  id: string;
  state: RunState;
  message: string;
  prompt: string;
  version: number;
  dataset: string;
  datasetVersion: number;
  connection: string;
  model: string;
  evaluators: { name: string; type: string; scoreKind: 'binary' | 'continuous' }[];
  baselineRunId: string | null;
  actor: string;
  createdAt: string;
  startedAt: string | null;
  updatedAt: string;
  progress: Progress;
}

export function summarize(run: RunRecord, progress: Progress): RunSummary {
  const { spec } = run;
  return {
    id: run.id,
    state: run.state,
    message: run.message,
    prompt: spec.prompt,
    version: spec.version,
    dataset: spec.dataset,
    datasetVersion: spec.datasetVersion,
    connection: spec.connection,
    model: spec.model,
    evaluators: spec.evaluators.map((e) => ({ name: e.name, type: e.config.type, scoreKind: scoreKind(e.config) })),
    baselineRunId: spec.baselineRunId || null,
    actor: run.actor,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    updatedAt: run.updatedAt,
    progress,
  };
}

/** Summaries of stored runs: live progress for runs executing here, stored totals for the others. */
export async function summarizeAll(
  store: Store,
  runs: readonly RunRecord[],
  live: (id: string) => LiveProgress | undefined,
): Promise<RunSummary[]> {
  const totals = await resultTotals(
    store,
    runs.map((r) => r.id),
  );
  return runs.map((run) => {
    const active = live(run.id);
    if (active?.ready) return summarize(run, active.snapshot());
    const t = totals.get(run.id);
    return summarize(run, {
      total: run.spec.items,
      done: t?.done ?? 0,
      errors: t?.errors ?? 0,
      costUsd: t?.costUsd ?? 0,
      etaMs: null,
    });
  });
}
