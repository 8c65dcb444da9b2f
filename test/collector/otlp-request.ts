import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/**
 * Test factories for OTLP/JSON export requests and a sender. Attribute values are written naturally and mapped to
 * AnyValue: strings, integers (intValue), other numbers (doubleValue), booleans, arrays; an object that already is
 * an AnyValue (`{"doubleValue": 1}`) passes through.
 */
export type AttributeInput = string | number | boolean | unknown[] | Record<string, unknown>;

export interface SpanInput {
  name: string;
  kind?: string | number;
  attributes?: Record<string, AttributeInput>;
  events?: { name: string; attributes?: Record<string, AttributeInput>; timeUnixNano?: string }[];
  status?: string | number;
  statusMessage?: string;
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
}

export const newTraceId = () => randomBytes(16).toString('hex');
export const newSpanId = () => randomBytes(8).toString('hex');
export const nowNs = (offsetMs = 0) => ((BigInt(Date.now()) + BigInt(offsetMs)) * 1_000_000n).toString();

export function anyValue(value: AttributeInput): Record<string, unknown> {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map((v) => anyValue(v as AttributeInput)) } };
  return value;
}

export const keyValues = (attributes: Record<string, AttributeInput> = {}) =>
  Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));

/** A span in OTLP/JSON form; ids and times default to fresh ids and "now" (10 ms long). */
export function jsonSpan(span: SpanInput, traceId = newTraceId()) {
  const start = span.startTimeUnixNano ?? nowNs(-10);
  return {
    traceId: span.traceId ?? traceId,
    spanId: span.spanId ?? newSpanId(),
    parentSpanId: span.parentSpanId ?? '',
    name: span.name,
    kind: span.kind ?? 1,
    startTimeUnixNano: start,
    endTimeUnixNano: span.endTimeUnixNano ?? (BigInt(start) + 10_000_000n).toString(),
    attributes: keyValues(span.attributes),
    events: (span.events ?? []).map((e) => ({
      timeUnixNano: e.timeUnixNano ?? start,
      name: e.name,
      attributes: keyValues(e.attributes),
    })),
    status: { code: span.status ?? 0, message: span.statusMessage ?? '' },
  };
}

/** An ExportTraceServiceRequest with one resource and one scope. */
export function jsonRequest(resource: Record<string, AttributeInput>, spans: ReturnType<typeof jsonSpan>[]) {
  return {
    resourceSpans: [
      {
        resource: { attributes: keyValues(resource) },
        scopeSpans: [{ scope: { name: 'test', version: '1.0.0' }, spans }],
      },
    ],
  };
}

export interface PostOptions {
  contentType?: string;
  gzip?: boolean;
  headers?: Record<string, string>;
}

/** POSTs a body (an object is sent as JSON) to the collector and returns status, headers and the body. */
export async function postTraces(otlpUrl: string, body: unknown, options: PostOptions = {}) {
  let bytes: Uint8Array =
    body instanceof Uint8Array
      ? body
      : typeof body === 'string'
        ? Buffer.from(body)
        : Buffer.from(JSON.stringify(body));
  if (options.gzip) bytes = gzipSync(bytes);
  const res = await fetch(`${otlpUrl}/v1/traces`, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/json',
      ...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
      ...options.headers,
    },
    body: new Uint8Array(bytes),
  });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** Polls `probe` until it returns a value other than undefined (no sleeps in tests: a short poll interval). */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
