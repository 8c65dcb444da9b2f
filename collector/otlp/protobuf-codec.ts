import { OtlpDecodeError } from './decode-error.js';
import {
  ExportTraceServiceRequest,
  type Int64,
  type PbAnyValue,
  type PbKeyValue,
  type PbRequest,
  type PbSpan,
} from './proto-schema.js';
import { newAttributes, SPAN_KINDS, STATUS_CODES, type Attributes, type Span, type TraceExport } from './span.js';
import { base64, doubleJson, formatDouble, jsonArray, jsonObject } from './value-text.js';

/** Decodes an OTLP/protobuf ExportTraceServiceRequest into the internal form. */
export function decodeProtobufTraces(body: Uint8Array): TraceExport {
  let request: PbRequest;
  try {
    request = ExportTraceServiceRequest.decode(body) as unknown as PbRequest;
  } catch (err) {
    throw new OtlpDecodeError(`body is not a valid protobuf ExportTraceServiceRequest: ${(err as Error).message}`);
  }
  return request.resourceSpans.map((rs) => ({
    resource: attributes(rs.resource?.attributes ?? []),
    scopeSpans: rs.scopeSpans.map((ss) => ({
      scope: { name: ss.scope?.name ?? '', version: ss.scope?.version ?? '' },
      spans: ss.spans.map(span),
    })),
  }));
}

function span(s: PbSpan): Span {
  return {
    traceId: hex(s.traceId),
    spanId: hex(s.spanId),
    parentSpanId: hex(s.parentSpanId),
    traceState: s.traceState,
    name: s.name,
    kind: SPAN_KINDS[s.kind] ?? 'Unspecified',
    startTimeUnixNano: unsigned(s.startTimeUnixNano),
    endTimeUnixNano: unsigned(s.endTimeUnixNano),
    attributes: attributes(s.attributes),
    events: s.events.map((e) => ({
      timeUnixNano: unsigned(e.timeUnixNano),
      name: e.name,
      attributes: attributes(e.attributes),
    })),
    links: s.links.map((l) => ({
      traceId: hex(l.traceId),
      spanId: hex(l.spanId),
      traceState: l.traceState,
      attributes: attributes(l.attributes),
    })),
    statusCode: STATUS_CODES[s.status?.code ?? 0] ?? 'Unset',
    statusMessage: s.status?.message ?? '',
  };
}

function attributes(list: PbKeyValue[]): Attributes {
  const out = newAttributes();
  for (const kv of list) out[kv.key] = kv.value ? valueText(kv.value) : '';
  return out;
}

/** Bytes as lowercase hex; protobufjs yields Buffers in Node, and a plain empty array for unset fields. */
const hex = (bytes: Uint8Array) => (bytes.length === 0 ? '' : Buffer.from(bytes).toString('hex'));

/** A fixed64 as an exact unsigned integer. */
function unsigned(value: Int64): bigint {
  if (typeof value === 'number') return BigInt(value);
  return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
}

/** An int64 as exact signed decimal text. */
function signedText(value: Int64): string {
  return BigInt.asIntN(64, unsigned(value)).toString();
}

function valueText(v: PbAnyValue): string {
  switch (v.value) {
    case 'stringValue':
      return v.stringValue;
    case 'boolValue':
      return v.boolValue ? 'true' : 'false';
    case 'intValue':
      return signedText(v.intValue);
    case 'doubleValue':
      return formatDouble(v.doubleValue);
    case 'bytesValue':
      return base64(v.bytesValue);
    case 'arrayValue':
    case 'kvlistValue':
      return valueJson(v);
    default:
      return '';
  }
}

function valueJson(v: PbAnyValue): string {
  switch (v.value) {
    case 'stringValue':
      return JSON.stringify(v.stringValue);
    case 'boolValue':
      return v.boolValue ? 'true' : 'false';
    case 'intValue':
      return signedText(v.intValue);
    case 'doubleValue':
      return doubleJson(v.doubleValue);
    case 'bytesValue':
      return JSON.stringify(base64(v.bytesValue));
    case 'arrayValue':
      return jsonArray((v.arrayValue?.values ?? []).map(valueJson));
    case 'kvlistValue':
      return jsonObject((v.kvlistValue?.values ?? []).map((kv) => [kv.key, kv.value ? valueJson(kv.value) : 'null']));
    default:
      return 'null';
  }
}
