import { randomBytes } from 'node:crypto';

/**
 * The spans of Tracelane's own model calls (experiments, judges), written as an OTLP/JSON export request so that
 * they enter `otel_traces` through the collector's ingest path like any application's spans: the same
 * normalisation (GenAI attributes, cost from the price table), the same write buffer. Environment `evaluation`.
 */
export const EVALUATION_ENVIRONMENT = 'evaluation';

export type AttributeValue = string | number | boolean;

export interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: 'internal' | 'client';
  startMs: number;
  endMs: number;
  attributes: Record<string, AttributeValue | null | undefined>;
  events?: { timeMs: number; name: string; attributes: Record<string, AttributeValue> }[];
  /** The error message when the operation failed (status Error). */
  error?: string;
}

/** Hands an OTLP/JSON export request to the collector; resolves when its spans are stored. */
export type SpanSink = (exportRequest: object) => Promise<void>;

export const newTraceId = () => randomBytes(16).toString('hex');
export const newSpanId = () => randomBytes(8).toString('hex');

export function spanExport(spans: readonly SpanSpec[]): object {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: keyValues({ 'service.name': 'tracelane', 'deployment.environment.name': EVALUATION_ENVIRONMENT }),
        },
        scopeSpans: [{ scope: { name: 'tracelane.evaluation', version: '1' }, spans: spans.map(otlpSpan) }],
      },
    ],
  };
}

function otlpSpan(s: SpanSpec): object {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId ?? '',
    name: s.name,
    kind: s.kind === 'client' ? 3 : 1,
    startTimeUnixNano: nanos(s.startMs),
    endTimeUnixNano: nanos(Math.max(s.endMs, s.startMs)),
    attributes: keyValues(s.attributes),
    events: (s.events ?? []).map((e) => ({
      timeUnixNano: nanos(e.timeMs),
      name: e.name,
      attributes: keyValues(e.attributes),
    })),
    status: s.error === undefined ? { code: 1 } : { code: 2, message: s.error },
  };
}

const nanos = (ms: number) => (BigInt(Math.round(ms)) * 1_000_000n).toString();

function keyValues(attributes: Record<string, AttributeValue | null | undefined>): object[] {
  return Object.entries(attributes)
    .filter((e): e is [string, AttributeValue] => e[1] !== null && e[1] !== undefined)
    .map(([key, v]) => ({
      key,
      value:
        typeof v === 'string'
          ? { stringValue: v }
          : typeof v === 'boolean'
            ? { boolValue: v }
            : Number.isInteger(v)
              ? { intValue: String(v) }
              : { doubleValue: v },
    }));
}
