import protobuf from 'protobufjs';
import { OtlpDecodeError } from './decode-error.js';
import {
  MAX_TIME_NS,
  MAX_VALUE_DEPTH,
  newAttributes,
  SPAN_KINDS,
  STATUS_CODES,
  type Attributes,
  type ResourceSpans,
  type Scope,
  type ScopeSpans,
  type Span,
  type SpanEvent,
  type SpanLink,
  type TraceExport,
} from './span.js';
import { close, embedded, FIXED64, fixed64, hex, int64Text, LENGTH, skip, tagOf, VARINT } from './protobuf-wire.js';
import { StringCache } from './string-cache.js';
import { base64, doubleJson, formatDouble, jsonArray, jsonObject } from './value-text.js';

/**
 * Decodes an OTLP/protobuf ExportTraceServiceRequest (otlp.proto) straight into the internal form, field by field
 * over protobufjs's Reader — no intermediate message objects, ids read as hex from the body's bytes. This is the
 * collector's hot path. As in protobufjs and Go, a repeated scalar field keeps its last value, unknown fields are
 * skipped, and a known field sent with the wrong wire type is skipped like an unknown one (each `case` below is a
 * whole tag: field number and wire type). Every message is length-delimited, so a span (or resource, or scope) that
 * cannot be decoded is skipped whole and marked malformed — it costs its own spans, never the request — as long as
 * the framing around it holds.
 */
export function decodeProtobufTraces(body: Uint8Array): TraceExport {
  const r = protobuf.Reader.create(asBuffer(body));
  try {
    const request: TraceExport = [];
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag === tagOf(1, LENGTH)) request.push(readResourceSpans(r, `resourceSpans[${request.length}]`));
      else skip(r, tag);
    }
    return request;
  } catch (err) {
    throw new OtlpDecodeError(`body is not a valid protobuf ExportTraceServiceRequest: ${(err as Error).message}`);
  }
}

export const asBuffer = (body: Uint8Array): Buffer =>
  Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);

/**
 * Reads one length-delimited message with `read`; when its content cannot be decoded, skips to its end and returns
 * `onError(message)` instead. A length running past the enclosing body still fails the request (framing is lost).
 */
export function isolated<T>(
  r: protobuf.Reader,
  path: string,
  read: (end: number) => T,
  onError: (message: string) => T,
): T {
  const end = embedded(r);
  try {
    const value = read(end);
    close(r, end);
    return value;
  } catch (err) {
    r.pos = end;
    return onError(problemAt(path, err));
  }
}

/** Our own errors name the field inside the message ("events[0].timeUnixNano: …"); the reader's do not. */
const problemAt = (path: string, err: unknown) =>
  err instanceof OtlpDecodeError ? `${path}.${err.message}` : `${path}: ${(err as Error).message}`;

function readResourceSpans(r: protobuf.Reader, path: string): ResourceSpans {
  const out: ResourceSpans = { resource: newAttributes(), scopeSpans: [] };
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH))
      out.resource = isolated(
        r,
        `${path}.resource`,
        (e) => readResource(r, e),
        (m) => ((out.malformed = m), newAttributes()),
      );
    else if (tag === tagOf(2, LENGTH))
      out.scopeSpans.push(readScopeSpans(r, `${path}.scopeSpans[${out.scopeSpans.length}]`));
    else skip(r, tag);
  }
  close(r, end);
  return out;
}

/** A Resource message (ending at `end`): its attributes. */
export function readResource(r: protobuf.Reader, end: number): Attributes {
  const attributes = newAttributes();
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH)) readKeyValue(r, attributes);
    else skip(r, tag);
  }
  return attributes;
}

function readScopeSpans(r: protobuf.Reader, path: string): ScopeSpans {
  const out: ScopeSpans = { scope: { name: '', version: '' }, spans: [] };
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH))
      out.scope = isolated(
        r,
        `${path}.scope`,
        (e) => readScope(r, e),
        (m) => ((out.malformed = m), { name: '', version: '' }),
      );
    else if (tag === tagOf(2, LENGTH)) {
      // As `isolated`, written out: this runs once per span, so the path is built only for a malformed one.
      const spanEnd = embedded(r);
      try {
        const span = readSpan(r, spanEnd);
        close(r, spanEnd);
        out.spans.push(span);
      } catch (err) {
        r.pos = spanEnd;
        out.spans.push(malformedSpan(problemAt(`${path}.spans[${out.spans.length}]`, err)));
      }
    } else skip(r, tag);
  }
  close(r, end);
  return out;
}

/** An InstrumentationScope message (ending at `end`). */
export function readScope(r: protobuf.Reader, end: number): Scope {
  const scope: Scope = { name: '', version: '' };
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH)) scope.name = r.string();
    else if (tag === tagOf(2, LENGTH)) scope.version = r.string();
    else skip(r, tag);
  }
  return scope;
}

function malformedSpan(malformed: string): Span {
  return { ...emptySpan(), malformed };
}

function emptySpan(): Span {
  return {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    traceState: '',
    name: '',
    kind: 'Unspecified',
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: newAttributes(),
    events: [],
    links: [],
    statusCode: 'Unset',
    statusMessage: '',
  };
}

/** A time (fixed64 Unix nanoseconds), refused beyond what the span store holds. */
export function readTime(r: protobuf.Reader, field: string): bigint {
  const value = fixed64(r);
  if (value > MAX_TIME_NS) throw new OtlpDecodeError(`${field}: ${value} is not a time before the year 2262`);
  return value;
}

/** A Span message ending at `end`. */
function readSpan(r: protobuf.Reader, end: number): Span {
  const span = emptySpan();
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case tagOf(1, LENGTH):
        span.traceId = hex(r);
        break;
      case tagOf(2, LENGTH):
        span.spanId = hex(r);
        break;
      case tagOf(3, LENGTH):
        span.traceState = r.string();
        break;
      case tagOf(4, LENGTH):
        span.parentSpanId = hex(r);
        break;
      case tagOf(5, LENGTH):
        span.name = r.string();
        break;
      case tagOf(6, VARINT):
        span.kind = SPAN_KINDS[r.int32()] ?? 'Unspecified';
        break;
      case tagOf(7, FIXED64):
        span.startTimeUnixNano = readTime(r, 'startTimeUnixNano');
        break;
      case tagOf(8, FIXED64):
        span.endTimeUnixNano = readTime(r, 'endTimeUnixNano');
        break;
      case tagOf(9, LENGTH):
        readKeyValue(r, span.attributes);
        break;
      case tagOf(11, LENGTH):
        span.events.push(readEvent(r, span.events.length));
        break;
      case tagOf(13, LENGTH):
        span.links.push(readLink(r));
        break;
      case tagOf(15, LENGTH):
        readStatus(r, span);
        break;
      default:
        skip(r, tag);
    }
  }
  return span;
}

function readEvent(r: protobuf.Reader, index: number): SpanEvent {
  const event: SpanEvent = { timeUnixNano: 0n, name: '', attributes: newAttributes() };
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, FIXED64)) event.timeUnixNano = readTime(r, `events[${index}].timeUnixNano`);
    else if (tag === tagOf(2, LENGTH)) event.name = r.string();
    else if (tag === tagOf(3, LENGTH)) readKeyValue(r, event.attributes);
    else skip(r, tag);
  }
  close(r, end);
  return event;
}

function readLink(r: protobuf.Reader): SpanLink {
  const link: SpanLink = { traceId: '', spanId: '', traceState: '', attributes: newAttributes() };
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH)) link.traceId = hex(r);
    else if (tag === tagOf(2, LENGTH)) link.spanId = hex(r);
    else if (tag === tagOf(3, LENGTH)) link.traceState = r.string();
    else if (tag === tagOf(4, LENGTH)) readKeyValue(r, link.attributes);
    else skip(r, tag);
  }
  close(r, end);
  return link;
}

/** A Status message; as protobufjs does, a second Status replaces the first. */
function readStatus(r: protobuf.Reader, span: Span): void {
  span.statusCode = 'Unset';
  span.statusMessage = '';
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(2, LENGTH)) span.statusMessage = r.string();
    else if (tag === tagOf(3, VARINT)) span.statusCode = STATUS_CODES[r.int32()] ?? 'Unset';
    else skip(r, tag);
  }
  close(r, end);
}

/** A KeyValue into `attributes`, its value stringified as the exporter stores it ('' when unset). */
export function readKeyValue(r: protobuf.Reader, attributes: Attributes): void {
  let key = '';
  let value = '';
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH)) key = attributeKeys.read(r);
    else if (tag === tagOf(2, LENGTH)) value = anyValue(r, false, 0);
    else skip(r, tag);
  }
  close(r, end);
  attributes[key] = value;
}

/**
 * An AnyValue as text. At the top level (`json` false): strings as is, ints in decimal, bools, doubles as Go
 * formats them, bytes in base64, arrays and maps as JSON, '' when unset. Inside an array or map (`json` true):
 * the JSON text of the value, 'null' when unset.
 */
export function anyValue(r: protobuf.Reader, json: boolean, depth: number): string {
  if (depth > MAX_VALUE_DEPTH)
    throw new OtlpDecodeError(`attributes: a value is nested deeper than ${MAX_VALUE_DEPTH} levels`);
  let text = json ? 'null' : '';
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case tagOf(1, LENGTH):
        text = json ? JSON.stringify(r.string()) : shortValues.read(r);
        break;
      case tagOf(2, VARINT):
        text = r.bool() ? 'true' : 'false';
        break;
      case tagOf(3, VARINT):
        text = int64Text(r);
        break;
      case tagOf(4, FIXED64): {
        const value = r.double();
        text = json ? doubleJson(value) : formatDouble(value);
        break;
      }
      case tagOf(5, LENGTH):
        text = readArray(r, depth);
        break;
      case tagOf(6, LENGTH):
        text = readKvList(r, depth);
        break;
      case tagOf(7, LENGTH):
        text = json ? JSON.stringify(base64(r.bytes())) : base64(r.bytes());
        break;
      default:
        skip(r, tag);
    }
  }
  close(r, end);
  return text;
}

function readArray(r: protobuf.Reader, depth: number): string {
  const items: string[] = [];
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH)) items.push(anyValue(r, true, depth + 1));
    else skip(r, tag);
  }
  close(r, end);
  return jsonArray(items);
}

function readKvList(r: protobuf.Reader, depth: number): string {
  const members: [string, string][] = [];
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH)) members.push(readJsonMember(r, depth));
    else skip(r, tag);
  }
  close(r, end);
  return jsonObject(members);
}

/** A KeyValue inside a map: its key and the JSON text of its value ('null' when unset). */
function readJsonMember(r: protobuf.Reader, depth: number): [string, string] {
  let key = '';
  let value = 'null';
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH)) key = r.string();
    else if (tag === tagOf(2, LENGTH)) value = anyValue(r, true, depth + 1);
    else skip(r, tag);
  }
  close(r, end);
  return [key, value];
}

/** Attribute keys, and short string values such as model, operation and route names. */
const attributeKeys = new StringCache(96, 4096);
const shortValues = new StringCache(24, 4096);
