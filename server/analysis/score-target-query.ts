import { notFound } from '../http/errors.js';
import type { Store } from '../store/store.js';

/** The span a score is about: where its environment, prompt, version, model and time come from. */
export interface ScoreTarget {
  spanId: string;
  environment: string;
  prompt: string;
  /** As on the span ('' when absent: inferred at query time like the span's own). */
  version: string;
  model: string;
  /** The span's start, as stored (ISO-8601 with nanoseconds). */
  time: string;
}

export interface TraceSpanForScore extends ScoreTarget {
  isGeneration: number;
}

/** The spans of a trace, in start order; the trace-id table bounds the scan in time. Empty when unknown (yet). */
export function traceSpansForScore(store: Store, traceId: string): Promise<TraceSpanForScore[]> {
  return store.query<TraceSpanForScore>(
    `WITH (SELECT (min(Start), max(End)) FROM otel_traces_trace_id_ts WHERE TraceId = {traceId:String}) AS bounds
     SELECT SpanId AS spanId, Environment AS environment, PromptName AS prompt, PromptVersion AS version,
            Model AS model, Timestamp AS time, IsGeneration AS isGeneration
     FROM otel_traces
     WHERE TraceId = {traceId:String} AND Timestamp >= bounds.1 AND Timestamp <= bounds.2
     ORDER BY Timestamp
     LIMIT 10000`,
    { traceId },
  );
}

/**
 * The span a score of the trace (and optionally of `spanId`) counts for: the named span when it carries a prompt,
 * else the trace's first generation span with a prompt, else its first span with one. Or why there is none: the
 * trace or the named span is not there (yet), or no span of it names a prompt.
 */
export function pickScoreTarget(
  spans: readonly TraceSpanForScore[],
  spanId: string | undefined,
): ScoreTarget | 'no_trace' | 'no_span' | 'no_prompt' {
  if (spans.length === 0) return 'no_trace';
  const named = spanId === undefined ? undefined : spans.find((s) => s.spanId === spanId);
  if (spanId !== undefined && !named) return 'no_span';
  const target =
    (named?.prompt ? named : undefined) ??
    spans.find((s) => s.isGeneration === 1 && s.prompt !== '') ??
    spans.find((s) => s.prompt !== '');
  if (!target) return 'no_prompt';
  const { isGeneration: _ignored, ...rest } = target;
  return rest;
}

/** The score target, or a 404 naming the field (POST /api/v1/scores). */
export async function findScoreTarget(store: Store, traceId: string, spanId: string | undefined): Promise<ScoreTarget> {
  const target = pickScoreTarget(await traceSpansForScore(store, traceId), spanId);
  if (target === 'no_trace') throw notFound(`no trace ${traceId} has been received (yet)`, 'traceId');
  if (target === 'no_span') throw notFound(`trace ${traceId} has no span ${spanId}`, 'spanId');
  if (target === 'no_prompt') {
    throw notFound(`trace ${traceId} has no span with a prompt name to attribute the score to`, 'traceId');
  }
  return target;
}
