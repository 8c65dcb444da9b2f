/**
 * The internal form of an OTLP trace export, shared by the protobuf and JSON codecs (as OpenTelemetry JS's
 * otlp-transformer does): everything after decoding sees only these types.
 *
 * Attribute values are already stringified the way the OpenTelemetry Collector's ClickHouse exporter stores them
 * (strings as is, ints in decimal, bools as true/false, arrays and maps as JSON text, bytes as base64), and ids
 * are lowercase hex — so a span's row is built without looking at OTLP types again. Times are exact nanoseconds.
 */

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
}

export interface Scope {
  name: string;
  version: string;
}

export interface ScopeSpans {
  scope: Scope;
  spans: Span[];
}

export interface ResourceSpans {
  resource: Attributes;
  scopeSpans: ScopeSpans[];
}

/** A decoded `ExportTraceServiceRequest`. */
export type TraceExport = ResourceSpans[];

export function newAttributes(): Attributes {
  return Object.create(null) as Attributes;
}
