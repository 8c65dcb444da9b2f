import { findConnection } from '../connections/connection-table.js';
import { itemsAt } from '../datasets/dataset-queries.js';
import type { Logger } from '../log.js';
import type { ModelClient } from '../models/model-client.js';
import { ModelCallError } from '../models/model-errors.js';
import { findVersion } from '../registry/version-queries.js';
import type { Store } from '../store/store.js';
import type { SpanSink } from '../telemetry/otlp-json.js';
import { judgeAsker } from './judge.js';
import { FatalRunError, runItem } from './run-item.js';
import type { RunRecord } from './run-events.js';
import type { LiveProgress } from './run-progress.js';
import { finishedItemIds, insertResult, resultTotals } from './run-results.js';

export interface ExecutorDeps {
  store: Store;
  models: ModelClient;
  spans: SpanSink;
  log: Logger;
}

/** How an execution ended: finished (completed or failed with a reason), or stopped by its signal. */
export type Outcome = { state: 'completed' | 'failed' | 'interrupted'; message: string } | { state: 'aborted' };

/** Items in flight per run at most (the connection's own concurrency bounds it further). */
const MAX_WORKERS = 16;

/**
 * Runs the items of a run that have no result yet (all of them, or the rest after a restart), as many at once as
 * the connection allows; each finished item is stored before it counts. Stops early on a failure every item would
 * hit (authentication, configuration, quota), and at once when `signal` aborts (nothing half-written).
 */
export async function executeRun(
  deps: ExecutorDeps,
  run: RunRecord,
  progress: LiveProgress,
  signal: AbortSignal,
  onItem: () => void,
): Promise<Outcome> {
  const { spec } = run;
  const version = await findVersion(deps.store, spec.prompt, spec.version);
  if (!version)
    return { state: 'interrupted', message: `prompt ${spec.prompt} has no version ${spec.version} any more` };
  const connection = await findConnection(deps.store, spec.connection);
  if (!connection) return { state: 'interrupted', message: `connection ${spec.connection} was deleted` };
  const items = await itemsAt(deps.store, spec.dataset, spec.datasetVersion);
  const finished = await finishedItemIds(deps.store, run.id);
  const totals = (await resultTotals(deps.store, [run.id])).get(run.id);
  progress.resumeFrom(totals?.done ?? 0, totals?.errors ?? 0, totals?.costUsd ?? 0);
  const pending = items.filter((i) => !finished.has(i.id));

  const stop = new AbortController();
  const both = AbortSignal.any([signal, stop.signal]);
  const askJudge = judgeAsker(deps.store, deps.models);
  let fatal: string | undefined;
  let next = 0;
  const worker = async () => {
    while (next < pending.length && !both.aborted) {
      const item = pending[next++]!;
      try {
        const result = await runItem(
          { runId: run.id, spec, version, connection, models: deps.models, spans: deps.spans, askJudge, signal: both },
          item,
        );
        if (both.aborted) return;
        await insertResult(deps.store, run.id, result);
        progress.record(result.error !== '', result.costUsd);
        onItem();
      } catch (err) {
        if (err instanceof ModelCallError && err.kind === 'cancelled') return;
        // A failure every item would hit, or one nobody expected (a store error): stop every worker, so nothing is
        // written after the run is recorded as failed.
        if (!(err instanceof FatalRunError))
          deps.log.error('experiment item failed', { runId: run.id, error: String(err) });
        fatal ??= err instanceof FatalRunError ? err.message : 'an item could not be run or stored; see the server log';
        stop.abort();
        return;
      }
    }
  };
  const workers = Math.max(1, Math.min(MAX_WORKERS, connection.maxConcurrency, pending.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (fatal !== undefined) return { state: 'failed', message: `stopped: ${fatal}` };
  if (signal.aborted) return { state: 'aborted' };
  const errors = progress.errors;
  return { state: 'completed', message: errors > 0 ? `${errors} of ${items.length} items failed` : '' };
}
