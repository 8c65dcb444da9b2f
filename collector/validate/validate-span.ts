import type { Attributes, Span } from '../otlp/span.js';

/**
 * Per-span validation: a span either passes or is dropped with a typed reason, counted and reported to the client
 * in `partial_success`. The other spans of the batch are kept.
 */
export const DROP_REASONS = {
  malformed: 'a value of the span, its scope or its resource could not be decoded',
  invalid_trace_id: 'traceId must be 16 bytes (32 hex digits), not all zero',
  invalid_span_id: 'spanId must be 8 bytes (16 hex digits), not all zero',
  invalid_parent_span_id: 'parentSpanId must be empty or 8 bytes (16 hex digits)',
  too_many_attributes: 'the span has more attributes than SPAN_MAX_ATTRIBUTES',
  end_before_start: 'endTimeUnixNano is before startTimeUnixNano',
  timestamp_in_future: 'startTimeUnixNano is more than 2 hours ahead of the collector clock',
  timestamp_too_old: 'startTimeUnixNano is older than the retention window (RETENTION_DAYS)',
} as const;
export type DropReason = keyof typeof DROP_REASONS;

export interface SpanLimits {
  maxAttributes: number;
  /** Oldest accepted start time and newest, in Unix nanoseconds. */
  oldestNs: bigint;
  newestNs: bigint;
}

/** Clients buffer and retry, so hours-old spans are normal; only clock skew beyond this is rejected. */
const MAX_FUTURE_SKEW_NS = 2n * 3600n * 1_000_000_000n;
const DAY_NS = 86_400n * 1_000_000_000n;

/** The accepted time window at `nowMs`: from RETENTION_DAYS ago to MAX_FUTURE_SKEW_NS ahead. */
export function spanLimits(maxAttributes: number, retentionDays: number, nowMs: number): SpanLimits {
  const nowNs = BigInt(nowMs) * 1_000_000n;
  return { maxAttributes, oldestNs: nowNs - BigInt(retentionDays) * DAY_NS, newestNs: nowNs + MAX_FUTURE_SKEW_NS };
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const isZero = (id: string) => /^0+$/.test(id);

/** Why the span must be dropped, or undefined when it is valid. */
export function checkSpan(span: Span, limits: SpanLimits): DropReason | undefined {
  if (!TRACE_ID.test(span.traceId) || isZero(span.traceId)) return 'invalid_trace_id';
  if (!SPAN_ID.test(span.spanId) || isZero(span.spanId)) return 'invalid_span_id';
  if (span.parentSpanId !== '' && !SPAN_ID.test(span.parentSpanId)) return 'invalid_parent_span_id';
  if (attributeCount(span.attributes) > limits.maxAttributes) return 'too_many_attributes';
  if (span.endTimeUnixNano < span.startTimeUnixNano) return 'end_before_start';
  if (span.startTimeUnixNano > limits.newestNs) return 'timestamp_in_future';
  if (span.startTimeUnixNano < limits.oldestNs) return 'timestamp_too_old';
  return undefined;
}

function attributeCount(attributes: Attributes): number {
  let n = 0;
  for (const _ in attributes) n++;
  return n;
}
