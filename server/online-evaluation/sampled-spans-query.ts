import type { Store } from '../store/store.js';
import { HASH_BUCKETS, sampleThreshold } from './online-config.js';

/** A sampled production generation: where its scores go, and what the evaluators read (attributes, events). */
export interface SampledSpan {
  traceId: string;
  spanId: string;
  /** As stored (ISO-8601 with nanoseconds): the score counts for this minute. */
  time: string;
  prompt: string;
  /** As on the span ('' when absent: inferred at query time, like the span's own). */
  version: string;
  model: string;
  attributes: Record<string, string>;
  events: { name: string; attributes: Record<string, string> }[];
}

interface Row extends Omit<SampledSpan, 'events'> {
  eventNames: string[];
  eventAttributes: Record<string, string>[];
}

export interface SampleRequest {
  environment: string;
  /** Epoch ms, minute boundaries: the minutes [from, to) of span time. */
  from: number;
  to: number;
  rate: number;
  maxPerMinute: number;
}

/**
 * The environment's generation spans of the minutes [from, to) whose trace is sampled: cityHash64(TraceId) below
 * the rate's share of the hash space (deterministic per trace, blind to the version), at most maxPerMinute per
 * minute — the lowest hashes, so a lower cap keeps a subset of the same traces.
 */
export async function sampledSpans(store: Store, req: SampleRequest): Promise<SampledSpan[]> {
  const rows = await store.query<Row>(
    `SELECT TraceId AS traceId, SpanId AS spanId, Timestamp AS time, PromptName AS prompt,
            PromptVersion AS version, Model AS model, SpanAttributes AS attributes,
            Events.Name AS eventNames, Events.Attributes AS eventAttributes
     FROM otel_traces
     WHERE Environment = {environment:String} AND IsGeneration = 1 AND PromptName != ''
       AND Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp < fromUnixTimestamp64Milli({to:Int64})
       AND cityHash64(TraceId) % ${HASH_BUCKETS} < {threshold:UInt64}
     ORDER BY toStartOfMinute(Timestamp), cityHash64(TraceId), SpanId
     LIMIT {cap:UInt32} BY toStartOfMinute(Timestamp)`,
    {
      environment: req.environment,
      from: req.from,
      to: req.to,
      threshold: sampleThreshold(req.rate),
      cap: req.maxPerMinute,
    },
  );
  return rows.map(({ eventNames, eventAttributes, ...span }) => ({
    ...span,
    events: eventNames.map((name, i) => ({ name, attributes: eventAttributes[i] ?? {} })),
  }));
}

/** `evaluator|spanId` of the spans already scored online (a run interrupted before its progress was recorded). */
export async function alreadyScored(
  store: Store,
  environment: string,
  spans: readonly SampledSpan[],
  actors: readonly string[],
): Promise<Set<string>> {
  if (spans.length === 0) return new Set();
  const times = spans.map((s) => Date.parse(s.time));
  const rows = await store.query<{ actor: string; spanId: string }>(
    `SELECT actor, span_id AS spanId FROM scores
     WHERE environment = {environment:String} AND has({actors:Array(String)}, actor)
       AND span_time >= fromUnixTimestamp64Milli({from:Int64}) AND span_time <= fromUnixTimestamp64Milli({to:Int64})
       AND has({spans:Array(String)}, span_id)`,
    {
      environment,
      actors,
      from: Math.min(...times) - 1,
      to: Math.max(...times) + 1,
      spans: spans.map((s) => s.spanId),
    },
  );
  return new Set(rows.map((r) => `${r.actor}|${r.spanId}`));
}
