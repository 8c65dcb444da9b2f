import { OtlpDecodeError } from './decode-error.js';
import { newAttributes, SPAN_KINDS, STATUS_CODES, type Attributes, type Span, type TraceExport } from './span.js';
import { doubleJson, formatDouble, jsonArray, jsonObject } from './value-text.js';

/**
 * Decodes an OTLP/JSON ExportTraceServiceRequest (protobuf JSON mapping with OTLP's exceptions: lowerCamelCase
 * field names, hex trace/span ids, enums as integers or names, 64-bit integers as strings or numbers).
 * A body whose structure is wrong fails as a whole with a message naming the field path; values that are
 * well-formed but invalid (an id of the wrong length, a time in the future) are left to span validation.
 */
export function decodeJsonTraces(text: string): TraceExport {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new OtlpDecodeError(`body is not valid JSON: ${(err as Error).message}`);
  }
  const request = object(body, 'body');
  return list(request.resourceSpans, 'resourceSpans').map((rsValue, i) => {
    const path = `resourceSpans[${i}]`;
    const rs = object(rsValue, path);
    const resource = optionalObject(rs.resource, `${path}.resource`);
    return {
      resource: attributes(resource?.attributes, `${path}.resource.attributes`),
      scopeSpans: list(rs.scopeSpans, `${path}.scopeSpans`).map((ssValue, j) => {
        const ssPath = `${path}.scopeSpans[${j}]`;
        const ss = object(ssValue, ssPath);
        const scope = optionalObject(ss.scope, `${ssPath}.scope`);
        return {
          scope: {
            name: string(scope?.name, `${ssPath}.scope.name`),
            version: string(scope?.version, `${ssPath}.scope.version`),
          },
          spans: list(ss.spans, `${ssPath}.spans`).map((s, k) => span(s, `${ssPath}.spans[${k}]`)),
        };
      }),
    };
  });
}

function span(value: unknown, path: string): Span {
  const s = object(value, path);
  const status = optionalObject(s.status, `${path}.status`);
  return {
    traceId: id(s.traceId, `${path}.traceId`),
    spanId: id(s.spanId, `${path}.spanId`),
    parentSpanId: id(s.parentSpanId, `${path}.parentSpanId`),
    traceState: string(s.traceState, `${path}.traceState`),
    name: string(s.name, `${path}.name`),
    kind: enumValue(s.kind, SPAN_KINDS, 'SPAN_KIND_', `${path}.kind`),
    startTimeUnixNano: uint64(s.startTimeUnixNano, `${path}.startTimeUnixNano`),
    endTimeUnixNano: uint64(s.endTimeUnixNano, `${path}.endTimeUnixNano`),
    attributes: attributes(s.attributes, `${path}.attributes`),
    events: list(s.events, `${path}.events`).map((eValue, i) => {
      const e = object(eValue, `${path}.events[${i}]`);
      return {
        timeUnixNano: uint64(e.timeUnixNano, `${path}.events[${i}].timeUnixNano`),
        name: string(e.name, `${path}.events[${i}].name`),
        attributes: attributes(e.attributes, `${path}.events[${i}].attributes`),
      };
    }),
    links: list(s.links, `${path}.links`).map((lValue, i) => {
      const l = object(lValue, `${path}.links[${i}]`);
      return {
        traceId: id(l.traceId, `${path}.links[${i}].traceId`),
        spanId: id(l.spanId, `${path}.links[${i}].spanId`),
        traceState: string(l.traceState, `${path}.links[${i}].traceState`),
        attributes: attributes(l.attributes, `${path}.links[${i}].attributes`),
      };
    }),
    statusCode: enumValue(status?.code, STATUS_CODES, 'STATUS_CODE_', `${path}.status.code`),
    statusMessage: string(status?.message, `${path}.status.message`),
  };
}

function attributes(value: unknown, path: string): Attributes {
  const out = newAttributes();
  list(value, path).forEach((kvValue, i) => {
    const kv = object(kvValue, `${path}[${i}]`);
    const key = string(kv.key, `${path}[${i}].key`);
    out[key] = kv.value == null ? '' : valueText(object(kv.value, `${path}[${i}].value`), `${path}[${i}].value`);
  });
  return out;
}

type AnyValue = Record<string, unknown>;

function valueText(v: AnyValue, path: string): string {
  if (v.stringValue !== undefined) return string(v.stringValue, `${path}.stringValue`);
  if (v.boolValue !== undefined) return String(bool(v.boolValue, `${path}.boolValue`));
  if (v.intValue !== undefined) return int64(v.intValue, `${path}.intValue`).toString();
  if (v.doubleValue !== undefined) return formatDouble(double(v.doubleValue, `${path}.doubleValue`));
  if (v.bytesValue !== undefined) return string(v.bytesValue, `${path}.bytesValue`);
  if (v.arrayValue !== undefined || v.kvlistValue !== undefined) return valueJson(v, path);
  return '';
}

function valueJson(v: AnyValue, path: string): string {
  if (v.stringValue !== undefined) return JSON.stringify(string(v.stringValue, `${path}.stringValue`));
  if (v.boolValue !== undefined) return String(bool(v.boolValue, `${path}.boolValue`));
  if (v.intValue !== undefined) return int64(v.intValue, `${path}.intValue`).toString();
  if (v.doubleValue !== undefined) return doubleJson(double(v.doubleValue, `${path}.doubleValue`));
  if (v.bytesValue !== undefined) return JSON.stringify(string(v.bytesValue, `${path}.bytesValue`));
  if (v.arrayValue !== undefined) {
    const values = list(object(v.arrayValue, `${path}.arrayValue`).values, `${path}.arrayValue.values`);
    return jsonArray(
      values.map((item, i) =>
        valueJson(object(item, `${path}.arrayValue.values[${i}]`), `${path}.arrayValue.values[${i}]`),
      ),
    );
  }
  if (v.kvlistValue !== undefined) {
    const values = list(object(v.kvlistValue, `${path}.kvlistValue`).values, `${path}.kvlistValue.values`);
    return jsonObject(
      values.map((kvValue, i) => {
        const kvPath = `${path}.kvlistValue.values[${i}]`;
        const kv = object(kvValue, kvPath);
        const key = string(kv.key, `${kvPath}.key`);
        return [key, kv.value == null ? 'null' : valueJson(object(kv.value, `${kvPath}.value`), `${kvPath}.value`)];
      }),
    );
  }
  return 'null';
}

// Field readers: absent (undefined or null) reads as the protobuf default; a present value of the wrong type fails.

function fail(path: string, expected: string): never {
  throw new OtlpDecodeError(`${path}: expected ${expected}`);
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object');
  return value as Record<string, unknown>;
}

function optionalObject(value: unknown, path: string): Record<string, unknown> | undefined {
  return value == null ? undefined : object(value, path);
}

function list(value: unknown, path: string): unknown[] {
  if (value == null) return [];
  if (!Array.isArray(value)) fail(path, 'an array');
  return value;
}

function string(value: unknown, path: string): string {
  if (value == null) return '';
  if (typeof value !== 'string') fail(path, 'a string');
  return value;
}

function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, 'true or false');
  return value;
}

function double(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
  return fail(path, 'a number');
}

/** Ids are hex in OTLP/JSON; lowercased here, their length and digits checked by span validation. */
function id(value: unknown, path: string): string {
  return string(value, path).toLowerCase();
}

const INTEGER = /^-?\d{1,20}$/;

function integer(value: unknown, path: string, what: string): bigint {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && INTEGER.test(value)) return BigInt(value);
  return fail(path, what);
}

function int64(value: unknown, path: string): bigint {
  const n = integer(value, path, 'a signed 64-bit integer (a number or a decimal string)');
  if (n < -(1n << 63n) || n >= 1n << 63n) fail(path, 'a signed 64-bit integer');
  return n;
}

function uint64(value: unknown, path: string): bigint {
  if (value == null) return 0n;
  const n = integer(value, path, 'an unsigned 64-bit integer (a number or a decimal string)');
  if (n < 0n || n >= 1n << 64n) fail(path, 'an unsigned 64-bit integer');
  return n;
}

/** An enum given as its number or its name (`SPAN_KIND_CLIENT`, `STATUS_CODE_ERROR`). */
function enumValue<T extends string>(value: unknown, names: readonly T[], prefix: string, path: string): T {
  if (value == null) return names[0]!;
  if (typeof value === 'number' && Number.isInteger(value)) return names[value] ?? names[0]!;
  if (typeof value === 'string') {
    const found = names.find((n) => prefix + n.toUpperCase() === value);
    if (found) return found;
  }
  return fail(path, `a ${prefix}* name or number`);
}
