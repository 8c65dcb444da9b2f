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

interface TraceSpan extends ScoreTarget {
  isGeneration: number;
}

/**
 * Finds the span a score of `traceId` (and optionally `spanId`) counts for: the named span when it carries a
 * prompt, else the trace's first generation span with a prompt. The trace-id table bounds the scan in time.
 */
export async function findScoreTarget(store: Store, traceId: string, spanId: string | undefined): Promise<ScoreTarget> {
  const spans = await store.query<TraceSpan>(
    `WITH (SELECT (min(Start), max(End)) FROM otel_traces_trace_id_ts WHERE TraceId = {traceId:String}) AS bounds
     SELECT SpanId AS spanId, Environment AS environment, PromptName AS prompt, PromptVersion AS version,
            Model AS model, Timestamp AS time, IsGeneration AS isGeneration
     FROM otel_traces
     WHERE TraceId = {traceId:String} AND Timestamp >= bounds.1 AND Timestamp <= bounds.2
     ORDER BY Timestamp
     LIMIT 10000`,
    { traceId },
  );
  if (spans.length === 0) throw notFound(`no trace ${traceId} has been received (yet)`, 'traceId');
  const named = spanId === undefined ? undefined : spans.find((s) => s.spanId === spanId);
  if (spanId !== undefined && !named) throw notFound(`trace ${traceId} has no span ${spanId}`, 'spanId');
  const target =
    (named?.prompt ? named : undefined) ??
    spans.find((s) => s.isGeneration === 1 && s.prompt !== '') ??
    spans.find((s) => s.prompt !== '');
  if (!target) throw notFound(`trace ${traceId} has no span with a prompt name to attribute the score to`, 'traceId');
  const { isGeneration: _ignored, ...rest } = target;
  return rest;
}
