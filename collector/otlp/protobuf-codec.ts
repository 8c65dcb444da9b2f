import protobuf from 'protobufjs';
import { OtlpDecodeError } from './decode-error.js';
import {
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
 * Decodes an OTLP/protobuf ExportTraceServiceRequest (trace.proto) straight into the internal form, field by field
 * over protobufjs's Reader — no intermediate message objects, ids read as hex from the body's bytes. This is the
 * collector's hot path. As in protobufjs and Go, a repeated scalar field keeps its last value, unknown fields are
 * skipped, and a known field sent with the wrong wire type is skipped like an unknown one (each `case` below is a
 * whole tag: field number and wire type).
 */
export function decodeProtobufTraces(body: Uint8Array): TraceExport {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const r = protobuf.Reader.create(bytes);
  try {
    const request: TraceExport = [];
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag === tagOf(1, LENGTH)) request.push(readResourceSpans(r));
      else skip(r, tag);
    }
    return request;
  } catch (err) {
    throw new OtlpDecodeError(`body is not a valid protobuf ExportTraceServiceRequest: ${(err as Error).message}`);
  }
}

function readResourceSpans(r: protobuf.Reader): ResourceSpans {
  const out: ResourceSpans = { resource: newAttributes(), scopeSpans: [] };
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH)) out.resource = readResource(r);
    else if (tag === tagOf(2, LENGTH)) out.scopeSpans.push(readScopeSpans(r));
    else skip(r, tag);
  }
  close(r, end);
  return out;
}

function readResource(r: protobuf.Reader): Attributes {
  const attributes = newAttributes();
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH)) readKeyValue(r, attributes);
    else skip(r, tag);
  }
  close(r, end);
  return attributes;
}

function readScopeSpans(r: protobuf.Reader): ScopeSpans {
  const out: ScopeSpans = { scope: { name: '', version: '' }, spans: [] };
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH)) out.scope = readScope(r);
    else if (tag === tagOf(2, LENGTH)) out.spans.push(readSpan(r));
    else skip(r, tag);
  }
  close(r, end);
  return out;
}

function readScope(r: protobuf.Reader): Scope {
  const scope: Scope = { name: '', version: '' };
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH)) scope.name = r.string();
    else if (tag === tagOf(2, LENGTH)) scope.version = r.string();
    else skip(r, tag);
  }
  close(r, end);
  return scope;
}

function readSpan(r: protobuf.Reader): Span {
  const span: Span = {
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
  const end = embedded(r);
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
        span.startTimeUnixNano = fixed64(r);
        break;
      case tagOf(8, FIXED64):
        span.endTimeUnixNano = fixed64(r);
        break;
      case tagOf(9, LENGTH):
        readKeyValue(r, span.attributes);
        break;
      case tagOf(11, LENGTH):
        span.events.push(readEvent(r));
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
  close(r, end);
  return span;
}

function readEvent(r: protobuf.Reader): SpanEvent {
  const event: SpanEvent = { timeUnixNano: 0n, name: '', attributes: newAttributes() };
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, FIXED64)) event.timeUnixNano = fixed64(r);
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
function readKeyValue(r: protobuf.Reader, attributes: Attributes): void {
  let key = '';
  let value = '';
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH)) key = attributeKeys.read(r);
    else if (tag === tagOf(2, LENGTH)) value = anyValue(r, false);
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
function anyValue(r: protobuf.Reader, json: boolean): string {
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
        text = readArray(r);
        break;
      case tagOf(6, LENGTH):
        text = readKvList(r);
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

function readArray(r: protobuf.Reader): string {
  const items: string[] = [];
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH)) items.push(anyValue(r, true));
    else skip(r, tag);
  }
  close(r, end);
  return jsonArray(items);
}

function readKvList(r: protobuf.Reader): string {
  const members: [string, string][] = [];
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH)) members.push(readJsonMember(r));
    else skip(r, tag);
  }
  close(r, end);
  return jsonObject(members);
}

/** A KeyValue inside a map: its key and the JSON text of its value ('null' when unset). */
function readJsonMember(r: protobuf.Reader): [string, string] {
  let key = '';
  let value = 'null';
  const end = embedded(r);
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH)) key = r.string();
    else if (tag === tagOf(2, LENGTH)) value = anyValue(r, true);
    else skip(r, tag);
  }
  close(r, end);
  return [key, value];
}

/** Attribute keys, and short string values such as model, operation and route names. */
const attributeKeys = new StringCache(96, 4096);
const shortValues = new StringCache(24, 4096);
