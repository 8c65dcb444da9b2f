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

const VARINT = 0;
const FIXED64 = 1;
const LENGTH = 2;
const tagOf = (field: number, wire: number) => (field << 3) | wire;

function skip(r: protobuf.Reader, tag: number): void {
  if (tag >>> 3 === 0) throw new Error(`invalid field number 0 before offset ${r.pos}`);
  r.skipType(tag & 7);
}

/** Reads an embedded message's length; returns where it ends. */
function embedded(r: protobuf.Reader): number {
  const length = r.uint32();
  const end = r.pos + length;
  if (end > r.len) throw new Error(`a field of ${length} bytes at offset ${r.pos} runs past the end of the body`);
  return end;
}

/** Checks that the fields of a message ended exactly at its end. */
function close(r: protobuf.Reader, end: number): void {
  if (r.pos !== end) throw new Error(`a field runs past the end of its message at offset ${end}`);
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

/**
 * Strings that recur from span to span — attribute keys, and short values such as model, operation and route names —
 * come from a cache keyed by a hash of their bytes (checked byte for byte) instead of being decoded into a new string
 * each time; only short ASCII strings are cached, and a full cache starts over.
 */
class StringCache {
  private readonly strings = new Map<number, string>();

  constructor(
    private readonly maxBytes: number,
    private readonly size: number,
  ) {}

  read(r: protobuf.Reader): string {
    const end = embedded(r);
    const start = r.pos;
    r.pos = end;
    const buf = r.buf as Buffer;
    if (end - start > this.maxBytes) return buf.toString('utf8', start, end);
    let hash = end - start;
    for (let i = start; i < end; i++) {
      const byte = buf[i]!;
      if (byte >= 0x80) return buf.toString('utf8', start, end);
      hash = Math.imul(hash ^ byte, 0x01000193);
    }
    const cached = this.strings.get(hash);
    if (cached !== undefined && sameAscii(cached, buf, start, end)) return cached;
    const text = buf.toString('latin1', start, end);
    if (this.strings.size >= this.size) this.strings.clear();
    this.strings.set(hash, text);
    return text;
  }
}

const attributeKeys = new StringCache(96, 4096);
const shortValues = new StringCache(24, 4096);

function sameAscii(text: string, buf: Buffer, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== buf[start + i]) return false;
  return true;
}

/** A bytes field as lowercase hex, read in place. */
function hex(r: protobuf.Reader): string {
  const end = embedded(r);
  const start = r.pos;
  r.pos = end;
  return start === end ? '' : (r.buf as Buffer).toString('hex', start, end);
}

/** A fixed64 as an exact unsigned integer. */
function fixed64(r: protobuf.Reader): bigint {
  const low = r.fixed32();
  const high = r.fixed32();
  return (BigInt(high) << 32n) | BigInt(low);
}

/** An int64 varint as exact signed decimal text; values up to 2^49 (nearly all) are read without BigInt. */
function int64Text(r: protobuf.Reader): string {
  const buf = r.buf;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 7; i++) {
    if (r.pos >= r.len) throw new RangeError(`varint runs past the end of the body at offset ${r.pos}`);
    const byte = buf[r.pos++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return String(value);
    scale *= 128;
  }
  let big = BigInt(value);
  let shift = 49n;
  for (let i = 7; i < 10; i++) {
    if (r.pos >= r.len) throw new RangeError(`varint runs past the end of the body at offset ${r.pos}`);
    const byte = buf[r.pos++]!;
    big |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return BigInt.asIntN(64, big).toString();
    shift += 7n;
  }
  throw new RangeError(`varint longer than 10 bytes at offset ${r.pos}`);
}
