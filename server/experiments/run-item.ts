import { MissingVariablesError, renderPrompt } from '../../clients/typescript/src/render.js';
import type { Connection } from '../connections/connection-table.js';
import type { DatasetItem } from '../datasets/dataset-item.js';
import type { Evaluation } from '../evaluators/evaluation.js';
import { scoreOutput, type AskJudge } from '../evaluators/score-output.js';
import type { ModelClient } from '../models/model-client.js';
import { ModelCallError } from '../models/model-errors.js';
import type { PromptVersion } from '../registry/version-queries.js';
import { newSpanId, newTraceId, spanExport, type SpanSink } from '../telemetry/otlp-json.js';
import type { ItemResult } from './run-results.js';
import type { RunSpec } from './run-spec.js';

export interface ItemContext {
  runId: string;
  spec: RunSpec;
  version: PromptVersion;
  connection: Connection;
  models: ModelClient;
  spans: SpanSink;
  askJudge: (trace: { traceId: string; parentSpanId: string }, signal: AbortSignal) => AskJudge;
  signal: AbortSignal;
}

/**
 * One dataset item through a version: render it (clients/typescript/src/render.ts), ask the model, score the
 * answer, and record one trace (an `experiment item` span over the model and judge calls, scores as
 * `gen_ai.evaluation.result` events). A model failure becomes the item's error; a cancellation is thrown.
 */
export async function runItem(ctx: ItemContext, item: DatasetItem): Promise<ItemResult> {
  const trace = { traceId: newTraceId(), parentSpanId: newSpanId() };
  const started = Date.now();
  const base = { itemId: item.id, category: item.category, expected: item.expected, traceId: trace.traceId };
  let input = '';
  let output = '';
  let error = '';
  let scores: Evaluation[] = [];
  let usage: { inputTokens: number | null; outputTokens: number | null } = { inputTokens: null, outputTokens: null };
  let costUsd: number | null = null;
  try {
    const { messages } = renderPrompt(ctx.version, item.input);
    input = JSON.stringify(messages);
    const answer = await ctx.models.complete(
      ctx.connection,
      { model: ctx.spec.model, messages, settings: ctx.version.settings, responseSchema: ctx.version.responseSchema },
      {
        signal: ctx.signal,
        trace,
        prompt: { name: ctx.spec.prompt, version: ctx.spec.version },
        attributes: {
          'tracelane.experiment.run_id': ctx.runId,
          'tracelane.dataset.item_id': item.id,
          'tracelane.prompt.variables': JSON.stringify(item.input),
        },
      },
    );
    output = answer.text;
    usage = answer.usage;
    costUsd = answer.costUsd;
    scores = await scoreOutput(
      ctx.spec.evaluators,
      {
        output,
        expected: item.expected ?? undefined,
        variables: item.input,
        responseSchema: ctx.version.responseSchema,
      },
      ctx.askJudge(trace, ctx.signal),
    );
  } catch (err) {
    if (err instanceof ModelCallError && err.kind === 'cancelled') throw err;
    if (!(err instanceof ModelCallError) && !(err instanceof MissingVariablesError)) throw err;
    error = err instanceof ModelCallError ? `${err.kind}: ${err.message}` : err.message;
    if (err instanceof ModelCallError && FATAL.has(err.kind)) throw new FatalRunError(error);
  }
  const finished = Date.now();
  await ctx.spans(
    spanExport([
      {
        traceId: trace.traceId,
        spanId: trace.parentSpanId,
        name: 'experiment item',
        kind: 'internal',
        startMs: started,
        endMs: finished,
        attributes: {
          'tracelane.experiment.run_id': ctx.runId,
          'tracelane.dataset.name': ctx.spec.dataset,
          'tracelane.dataset.item_id': item.id,
          'tracelane.dataset.category': item.category,
        },
        events: scores
          .filter((s): s is Evaluation & { score: number; reason: string } => s.score !== null)
          .map((s) => ({
            timeMs: finished,
            name: 'gen_ai.evaluation.result',
            attributes: {
              'gen_ai.evaluation.name': s.name,
              'gen_ai.evaluation.score.value': s.score,
              'gen_ai.evaluation.explanation': s.reason,
            },
          })),
        error: error || undefined,
      },
    ]),
  );
  return {
    ...base,
    input,
    output,
    error,
    scores,
    latencyMs: finished - started,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    costUsd,
    finishedAt: new Date(finished).toISOString(),
  };
}

/** Failures that every further item would hit too: the run stops instead of spending on them. */
const FATAL = new Set(['auth', 'configuration', 'quota']);

export class FatalRunError extends Error {}
