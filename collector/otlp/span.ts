/**
 * The internal form of an OTLP trace export, shared by the protobuf and JSON codecs (as OpenTelemetry JS's
 * otlp-transformer does): everything after decoding sees only these types.
 *
 * Attribute values are already stringified the way the OpenTelemetry Collector's ClickHouse exporter stores them
 * (strings as is, ints in decimal, bools as true/false, arrays and maps as JSON text, bytes as base64), and ids
 * are lowercase hex — so a span's row is built without looking at OTLP types again. Times are exact nanoseconds.
 */

/** AnyValue nesting (arrays and maps in arrays and maps) deeper than this is refused by both codecs. */
export const MAX_VALUE_DEPTH = 64;

/** The latest time a ClickHouse DateTime64(9) holds: 2^63 − 1 ns after 1970 (in 2262); later ones are refused. */
export const MAX_TIME_NS = (1n << 63n) - 1n;

/** Attribute key → stringified value, in a prototype-free object (keys like `__proto__` are plain keys). */
export type Attributes = Record<string, string>;

export const SPAN_KINDS = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'] as const;
export type SpanKind = (typeof SPAN_KINDS)[number];

export const STATUS_CODES = ['Unset', 'Ok', 'Error'] as const;
export type StatusCode = (typeof STATUS_CODES)[number];

export interface SpanEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: Attributes;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Attributes;
}

export interface Span {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  events: SpanEvent[];
  links: SpanLink[];
  statusCode: StatusCode;
  statusMessage: string;
  /** Set when the span could not be decoded: the field and the problem. The span is rejected as `malformed`. */
  malformed?: string;
}

export interface Scope {
  name: string;
  version: string;
}

export interface ScopeSpans {
  scope: Scope;
  spans: Span[];
  /** Set when the scope could not be decoded: its spans are rejected as `malformed`. */
  malformed?: string;
}

export interface ResourceSpans {
  resource: Attributes;
  scopeSpans: ScopeSpans[];
  /** Set when the resource could not be decoded: its spans are rejected as `malformed`. */
  malformed?: string;
}

/** A decoded `ExportTraceServiceRequest`. */
export type TraceExport = ResourceSpans[];

export function newAttributes(): Attributes {
  return Object.create(null) as Attributes;
}
