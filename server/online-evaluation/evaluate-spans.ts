import { randomUUID } from 'node:crypto';
import { MissingVariablesError } from '../../clients/typescript/src/render.js';
import { scoreOf, scoreRow } from '../analysis/score-record.js';
import type { EvaluatorDefinition } from '../evaluators/evaluator-spec.js';
import { scoreOutput, type AskJudge } from '../evaluators/score-output.js';
import { subjectFromSpan } from '../evaluators/span-subject.js';
import type { JudgeCallOptions } from '../experiments/judge.js';
import { ModelCallError } from '../models/model-errors.js';
import { newTraceId } from '../telemetry/otlp-json.js';
import type { SampledSpan } from './sampled-spans-query.js';

/** Judge calls in flight at once for one environment (the connection's own limits apply too). */
const CONCURRENCY = 4;

export type JudgeFor = (
  trace: { traceId: string; parentSpanId: string },
  signal: AbortSignal,
  call: JudgeCallOptions,
) => AskJudge;

export interface SpanBatch {
  environment: string;
  spans: readonly SampledSpan[];
  evaluators: readonly EvaluatorDefinition[];
  /** `evaluator|spanId` already scored (skipped here). */
  done: ReadonlySet<string>;
  /** The prompt version's response schema of a span (json_schema evaluators without their own). */
  responseSchema: (span: SampledSpan) => Promise<Record<string, unknown> | null>;
  askJudge: JudgeFor;
  budget: Budget;
  signal: AbortSignal;
}

/** Today's judge spend against the daily budget; a call is made only if its expected cost still fits. */
export interface Budget {
  limitUsd: number;
  spentUsd: number;
  /** The largest cost of one judge call seen: the expected cost of the next. */
  callCostUsd: number;
}

export interface EvaluatorOutcome {
  scored: number;
  errors: number;
  skipped: number;
  spentUsd: number;
  /** Why it must be paused (an unrecoverable error), or null. */
  pause: string | null;
  /** Judge calls left out because the day's budget was reached. */
  overBudget: number;
}

/** A `scores` row as POST /api/v1/scores writes it, attributed to the span's environment, prompt, version and minute. */
export type ScoreRow = ReturnType<typeof scoreRow>;

/** The actor of an online evaluator's scores (`scores.actor`). */
export const onlineActor = (evaluator: string) => `online:${evaluator}`;

/**
 * Scores sampled spans with the environment's evaluators: the completion and variables read from each stored span
 * (span-subject.ts), judges asked in a trace of their own (linked by attributes to the production trace). A span
 * whose instrumentation captured no completion is skipped. An evaluator hitting an unrecoverable error (bad or
 * missing connection, judge prompt or version, 401/403, exhausted quota) stops for the rest of the batch, to be
 * paused; transient failures were retried by the model client and count as errors.
 */
export async function evaluateSpans(
  batch: SpanBatch,
): Promise<{ rows: ScoreRow[]; outcomes: Map<string, EvaluatorOutcome> }> {
  const outcomes = new Map<string, EvaluatorOutcome>(
    batch.evaluators.map((e) => [
      e.name,
      { scored: 0, errors: 0, skipped: 0, spentUsd: 0, pause: null, overBudget: 0 },
    ]),
  );
  const rows: ScoreRow[] = [];
  const { budget } = batch;
  let reservedUsd = 0;
  let probe: Promise<void> | null = null;
  /** Does one more judge call fit in the day's budget, counting the calls in flight at the expected cost? */
  const fits = () =>
    budget.spentUsd + reservedUsd < budget.limitUsd &&
    budget.spentUsd + reservedUsd + budget.callCostUsd <= budget.limitUsd;

  async function evaluateOne(span: SampledSpan): Promise<void> {
    const todo = batch.evaluators.filter((e) => !batch.done.has(`${onlineActor(e.name)}|${span.spanId}`));
    if (todo.length === 0) return;
    const subject = subjectFromSpan(span, await batch.responseSchema(span));
    for (const definition of todo) {
      const outcome = outcomes.get(definition.name) as EvaluatorOutcome;
      if (outcome.pause !== null) continue;
      if (!subject) {
        outcome.skipped++;
        continue;
      }
      const judged = definition.config.type === 'llm_judge';
      // Until one judge call has said what a call costs, judge calls go one at a time.
      while (judged && budget.callCostUsd === 0 && probe) await probe;
      if (outcome.pause !== null) continue;
      if (judged && !fits()) {
        outcome.overBudget++;
        continue;
      }
      let endProbe = () => {};
      if (judged && budget.callCostUsd === 0) probe = new Promise<void>((resolve) => (endProbe = resolve));
      const reserve = judged ? budget.callCostUsd : 0;
      reservedUsd += reserve;
      let thrown: unknown;
      const ask = batch.askJudge({ traceId: newTraceId(), parentSpanId: '' }, batch.signal, {
        attributes: {
          'tracelane.online.environment': batch.environment,
          'tracelane.online.trace_id': span.traceId,
          'tracelane.online.span_id': span.spanId,
        },
        onAnswer: (answer) => {
          const cost = answer.costUsd ?? 0;
          budget.spentUsd += cost;
          budget.callCostUsd = Math.max(budget.callCostUsd, cost);
          outcome.spentUsd += cost;
        },
      });
      const [evaluation] = await scoreOutput([definition], subject, (d, s) =>
        ask(d, s).catch((err: unknown) => {
          thrown = err;
          throw err;
        }),
      );
      reservedUsd -= reserve;
      if (probe && budget.callCostUsd === 0) probe = null;
      endProbe();
      if (!evaluation || evaluation.score === null) {
        const reason = unrecoverable(thrown);
        if (reason !== null) outcome.pause = reason;
        else outcome.errors++;
        continue;
      }
      outcome.scored++;
      rows.push(onlineScoreRow(batch.environment, span, definition.name, evaluation.score, evaluation.reason));
    }
  }

  let next = 0;
  const worker = async () => {
    while (next < batch.spans.length && !batch.signal.aborted) await evaluateOne(batch.spans[next++] as SampledSpan);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batch.spans.length) }, worker));
  return { rows, outcomes };
}

/** Failures that every further span would hit too, as the reason to show; null for a failure of this span only. */
function unrecoverable(err: unknown): string | null {
  if (err === undefined || err instanceof MissingVariablesError) return null;
  if (err instanceof ModelCallError) {
    return ['auth', 'configuration', 'quota'].includes(err.kind) ? `${err.kind}: ${err.message}` : null;
  }
  return err instanceof Error ? err.message : 'the judge failed';
}

function onlineScoreRow(environment: string, span: SampledSpan, name: string, value: number, reason: string) {
  const target = { ...span, environment };
  const input = { id: `score_${randomUUID()}`, traceId: span.traceId, name, value, source: 'evaluator' as const };
  return scoreRow(scoreOf(target, { ...input, comment: reason.slice(0, 2000) }), onlineActor(name));
}
