import { createHash } from 'node:crypto';
import type { Column } from '../../server/store/store.js';
import type { Attributes } from '../otlp/span.js';
import type { LogRecord } from './log-record.js';

/**
 * Which log records the collector keeps: GenAI events (`event_name`, or the deprecated `event.name` attribute,
 * starting with `gen_ai.`) tied to a span by a valid trace and span id. They are attached to that span when it is
 * read; an evaluation result with a usable score also becomes a named score of it. Anything else is counted and
 * dropped: `unrelated` (not a GenAI event — application logs), `unlinked` (a GenAI event without a span to attach
 * it to). An evaluation result that only carries `gen_ai.response.id` is unlinked: finding a span by response id
 * would mean scanning span attributes.
 */
export type LogDropReason = 'unrelated' | 'unlinked' | 'malformed';
/** What a stored record is: an evaluation that scores its span, captured message content, or another event. */
export type StoredKind = 'score' | 'content' | 'event';

export const EVALUATION_EVENT = 'gen_ai.evaluation.result';

const CONTENT_EVENTS: ReadonlySet<string> = new Set([
  'gen_ai.client.inference.operation.details',
  'gen_ai.system.message',
  'gen_ai.user.message',
  'gen_ai.assistant.message',
  'gen_ai.tool.message',
  'gen_ai.choice',
  'gen_ai.content.prompt',
  'gen_ai.content.completion',
]);

/** One row of span_log_events. */
export interface SpanLogEventRow {
  TraceId: string;
  SpanId: string;
  Timestamp: string;
  EventName: string;
  SeverityNumber: number;
  Body: string;
  Attributes: Attributes;
  ServiceName: string;
  ScoreId: string;
  ScoreName: string;
  ScoreValue: number | null;
}

export const SPAN_LOG_EVENT_COLUMNS: readonly Column[] = [
  { name: 'TraceId', type: 'String' },
  { name: 'SpanId', type: 'String' },
  { name: 'Timestamp', type: 'DateTime64(9)' },
  { name: 'EventName', type: 'String' },
  { name: 'SeverityNumber', type: 'UInt8' },
  { name: 'Body', type: 'String' },
  { name: 'Attributes', type: 'Map(String, String)' },
  { name: 'ServiceName', type: 'String' },
  { name: 'ScoreId', type: 'String' },
  { name: 'ScoreName', type: 'String' },
  { name: 'ScoreValue', type: 'Nullable(Float64)' },
];

const TRACE_ID = /^(?!0+$)[0-9a-f]{32}$/;
const SPAN_ID = /^(?!0+$)[0-9a-f]{16}$/;

export type Classified = { row: SpanLogEventRow; kind: StoredKind } | { dropped: LogDropReason };

/** Keeps or drops one decoded (not malformed) record; `nowNs` dates records that carry no time. */
export function classifyRecord(record: LogRecord, resource: Attributes, nowNs: bigint): Classified {
  const eventName = record.eventName || record.attributes['event.name'] || '';
  if (!eventName.startsWith('gen_ai.')) return { dropped: 'unrelated' };
  if (!TRACE_ID.test(record.traceId) || !SPAN_ID.test(record.spanId)) return { dropped: 'unlinked' };
  const time = record.timeUnixNano || record.observedTimeUnixNano || nowNs;
  const score = eventName === EVALUATION_EVENT ? evaluationScore(record.attributes) : undefined;
  const row: SpanLogEventRow = {
    TraceId: record.traceId,
    SpanId: record.spanId,
    Timestamp: time.toString(),
    EventName: eventName,
    SeverityNumber: Math.min(255, Math.max(0, record.severityNumber)),
    Body: record.body,
    Attributes: record.attributes,
    ServiceName: resource['service.name'] ?? '',
    ScoreId: score ? scoreId(record.traceId, record.spanId, score.name, time) : '',
    ScoreName: score?.name ?? '',
    ScoreValue: score?.value ?? null,
  };
  return { row, kind: score ? 'score' : CONTENT_EVENTS.has(eventName) ? 'content' : 'event' };
}

const PASSING = new Set(['pass', 'passed', 'true', 'yes', 'correct']);
const FAILING = new Set(['fail', 'failed', 'false', 'no', 'incorrect']);

/**
 * The score of an evaluation result, on the 0..1 scale scores use (POST /api/v1/scores): its `score.value` when in
 * 0..1, else a pass/fail label as 1 / 0. Other values (a 1–5 rating) keep the event but make no score.
 */
function evaluationScore(attributes: Attributes): { name: string; value: number } | undefined {
  const name = (attributes['gen_ai.evaluation.name'] ?? '').trim().slice(0, 100);
  if (name === '') return undefined;
  const text = attributes['gen_ai.evaluation.score.value'];
  const value = text === undefined || text.trim() === '' ? NaN : Number(text);
  if (value >= 0 && value <= 1) return { name, value };
  const label = (attributes['gen_ai.evaluation.score.label'] ?? '').trim().toLowerCase();
  if (Number.isNaN(value) && PASSING.has(label)) return { name, value: 1 };
  if (Number.isNaN(value) && FAILING.has(label)) return { name, value: 0 };
  return undefined;
}

/** The same evaluation sent twice (a retried export) gives the same score id, so it is scored once. */
function scoreId(traceId: string, spanId: string, name: string, time: bigint): string {
  const hash = createHash('sha256').update(`${traceId}|${spanId}|${name}|${time}`).digest('hex');
  return `score_otlp_${hash.slice(0, 32)}`;
}
