import type { CollectorMetrics } from '../../collector/metrics.js';
import { scoreOf, scoreRow } from '../analysis/score-record.js';
import { pickScoreTarget, traceSpansForScore } from '../analysis/score-target-query.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { pendingEvaluations, type PendingEvaluation } from './pending-evaluations-query.js';

export interface EvaluationLinkerDeps {
  store: Store;
  metrics: CollectorMetrics;
  log: Logger;
  intervalMs: number;
}

export interface EvaluationLinker {
  /** Links now (after the run in progress): called when evaluation results arrive. */
  poke: () => void;
  stop: () => Promise<void>;
}

/** How long an evaluation result waits for its span; then it is counted `expired` and never scored. */
export const PENDING_WINDOW_MS = 3_600_000;
const BATCH = 1000;
/** A trace whose span is still missing is looked at again after a delay that doubles up to this. */
const MAX_RECHECK_MS = 60_000;
/** The writer of these scores in `scores.actor`. */
const ACTOR = 'otlp-logs';

/**
 * Turns evaluation results received as OTLP log records into named scores of their span, through the same
 * attribution and table as POST /api/v1/scores (source `evaluator`, the explanation as comment) — whichever arrives
 * first, the log or the span. The pending results are read back from span_log_events each run, so the work survives
 * a restart and also covers results stored by standalone collectors. A result whose trace has no span with a prompt
 * is not scored (`no_prompt`), like POST /scores answers 404; one whose span does not arrive within an hour expires.
 */
export function startEvaluationLinker(deps: EvaluationLinkerDeps): EvaluationLinker {
  const { store, metrics, log } = deps;
  const unscorable = new Set<string>();
  const waiting = new Map<string, number>(); // score id → first seen pending
  const recheck = new Map<string, { at: number; delayMs: number }>(); // trace id → when to look again

  async function linkPending(): Promise<void> {
    const now = Date.now();
    const pending = (await pendingEvaluations(store, PENDING_WINDOW_MS, BATCH)).filter(
      (p) => !unscorable.has(p.scoreId),
    );
    const byTrace = new Map<string, PendingEvaluation[]>();
    for (const p of pending) byTrace.set(p.traceId, [...(byTrace.get(p.traceId) ?? []), p]);
    const rows = [];
    let stillPending = 0;
    for (const [traceId, evaluations] of byTrace) {
      const due = recheck.get(traceId);
      if (due && due.at > now) {
        stillPending += evaluations.length;
        continue;
      }
      const spans = await traceSpansForScore(store, traceId);
      for (const evaluation of evaluations) {
        const target = pickScoreTarget(spans, evaluation.spanId);
        if (target === 'no_trace' || target === 'no_span') {
          stillPending++;
          if (!waiting.has(evaluation.scoreId)) waiting.set(evaluation.scoreId, now);
          const delayMs = Math.min(MAX_RECHECK_MS, (due?.delayMs ?? 1000) * 2);
          recheck.set(traceId, { at: now + delayMs, delayMs });
        } else if (target === 'no_prompt') {
          unscorable.add(evaluation.scoreId);
          metrics.count(metrics.evaluationScores, 'no_prompt');
        } else {
          rows.push(scoreRow(scoreOf(target, scoreInput(evaluation)), ACTOR));
        }
      }
    }
    if (rows.length > 0) await store.insert('scores', rows);
    metrics.count(metrics.evaluationScores, 'linked', rows.length);
    for (const row of rows) {
      waiting.delete(row.id);
      recheck.delete(row.trace_id);
    }
    countExpired(new Set(pending.map((p) => p.scoreId)));
    metrics.pendingEvaluations = stillPending;
    if (unscorable.size > 100_000) unscorable.clear();
  }

  /** Results seen waiting that dropped out of the pending window without a score. */
  function countExpired(pendingNow: Set<string>): void {
    for (const id of waiting.keys()) {
      if (pendingNow.has(id)) continue;
      waiting.delete(id);
      metrics.count(metrics.evaluationScores, 'expired');
    }
    for (const [traceId, due] of recheck) if (due.at < Date.now() - PENDING_WINDOW_MS) recheck.delete(traceId);
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const run = () => {
    clearTimeout(timer);
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = linkPending()
      .catch((err: unknown) => log.error('linking evaluation results to spans failed', { error: String(err) }))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        } else if (!stopped) {
          timer = setTimeout(run, deps.intervalMs);
          timer.unref();
        }
      });
  };
  timer = setTimeout(run, deps.intervalMs);
  timer.unref();
  return {
    poke: run,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

function scoreInput(evaluation: PendingEvaluation) {
  return {
    id: evaluation.scoreId,
    traceId: evaluation.traceId,
    name: evaluation.name,
    value: evaluation.value,
    source: 'evaluator' as const,
    comment: evaluation.explanation.slice(0, 2000),
  };
}
