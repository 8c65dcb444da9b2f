import { OtlpDecodeError } from './decode-error.js';
import { MAX_TIME_NS, MAX_VALUE_DEPTH, newAttributes, type Attributes } from './span.js';
import { doubleJson, formatDouble, jsonArray, jsonObject } from './value-text.js';

/**
 * Field readers of the OTLP/JSON codecs (traces and logs): protobuf JSON mapping with OTLP's exceptions — hex ids,
 * enums as integers or names, 64-bit integers as strings or numbers, doubles as numbers or strings. Absent (undefined
 * or null) reads as the protobuf default; a present value of the wrong type fails with an OtlpDecodeError naming the
 * field path.
 */

/** Runs `decode`; an OtlpDecodeError marks `target` malformed (with the field and problem) instead of failing. */
export function isolate(target: { malformed?: string }, decode: () => void): void {
  try {
    decode();
  } catch (err) {
    if (!(err instanceof OtlpDecodeError)) throw err;
    target.malformed = err.message;
  }
}

export function fail(path: string, expected: string): never {
  throw new OtlpDecodeError(`${path}: expected ${expected}`);
}

export function object(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object');
  return value as Record<string, unknown>;
}

export function optionalObject(value: unknown, path: string): Record<string, unknown> | undefined {
  return value == null ? undefined : object(value, path);
}

export function list(value: unknown, path: string): unknown[] {
  if (value == null) return [];
  if (!Array.isArray(value)) fail(path, 'an array');
  return value;
}

/** `String.prototype.isWellFormed` (Node ≥ 20; not yet in the ES2023 lib typings). */
const wellFormed = (s: string) => (s as string & { isWellFormed(): boolean }).isWellFormed();

/** A string; JSON allows lone surrogates (`"\ud800"`), OTLP strings are valid UTF-8, so those are refused. */
export function string(value: unknown, path: string): string {
  if (value == null) return '';
  if (typeof value !== 'string') fail(path, 'a string');
  if (!wellFormed(value)) fail(path, 'valid Unicode text (it holds a lone surrogate)');
  return value;
}

function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, 'true or false');
  return value;
}

/** A double: a JSON number, or a string holding one (the protobuf JSON mapping allows both), NaN and ±Infinity. */
function double(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
    const n = value.trim() === '' ? NaN : Number(value);
    if (Number.isFinite(n)) return n;
  }
  return fail(path, 'a number');
}

/** Ids are hex in OTLP/JSON; lowercased here, their length and digits checked by span validation. */
export function id(value: unknown, path: string): string {
  return string(value, path).toLowerCase();
}

const INTEGER = /^-?\d{1,20}$/;

/**
 * An integer: a JSON number or a string, in decimal or (as the protobuf JSON mapping also allows) in exponent
 * notation when its value is integral (`"1e3"`, `"12.0"`).
 */
function integer(value: unknown, path: string, what: string): bigint {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string') {
    if (INTEGER.test(value)) return BigInt(value);
    const n = value.trim() === '' ? NaN : Number(value);
    if (Number.isSafeInteger(n)) return BigInt(n);
  }
  return fail(path, what);
}

function int64(value: unknown, path: string): bigint {
  const n = integer(value, path, 'a signed 64-bit integer (a number or a decimal string)');
  if (n < -(1n << 63n) || n >= 1n << 63n) fail(path, 'a signed 64-bit integer');
  return n;
}

/** A time in Unix nanoseconds (fixed64), refused beyond what the span store holds. */
export function time(value: unknown, path: string): bigint {
  if (value == null) return 0n;
  const n = integer(value, path, 'an unsigned 64-bit integer (a number or a decimal string)');
  if (n < 0n || n > MAX_TIME_NS) fail(path, 'a time in Unix nanoseconds before the year 2262');
  return n;
}

/** An enum given as its number or its name (`SPAN_KIND_CLIENT`, `STATUS_CODE_ERROR`). */
export function enumValue<T extends string>(value: unknown, names: readonly T[], prefix: string, path: string): T {
  if (value == null) return names[0]!;
  if (typeof value === 'number' && Number.isInteger(value)) return names[value] ?? names[0]!;
  if (typeof value === 'string') {
    const found = names.find((n) => prefix + n.toUpperCase() === value);
    if (found) return found;
  }
  return fail(path, `a ${prefix}* name or number`);
}

/** A list of KeyValue into attributes, values stringified as the exporter stores them. */
export function attributes(value: unknown, path: string): Attributes {
  const out = newAttributes();
  list(value, path).forEach((kvValue, i) => {
    const kv = object(kvValue, `${path}[${i}]`);
    const key = string(kv.key, `${path}[${i}].key`);
    out[key] = anyValueText(kv.value, `${path}[${i}].value`);
  });
  return out;
}

/** An AnyValue as text ('' when unset): strings as is, numbers and bools in their text, arrays and maps as JSON. */
export function anyValueText(value: unknown, path: string): string {
  if (value == null) return '';
  const v = object(value, path);
  if (v.stringValue !== undefined) return string(v.stringValue, `${path}.stringValue`);
  if (v.boolValue !== undefined) return String(bool(v.boolValue, `${path}.boolValue`));
  if (v.intValue !== undefined) return int64(v.intValue, `${path}.intValue`).toString();
  if (v.doubleValue !== undefined) return formatDouble(double(v.doubleValue, `${path}.doubleValue`));
  if (v.bytesValue !== undefined) return string(v.bytesValue, `${path}.bytesValue`);
  if (v.arrayValue !== undefined || v.kvlistValue !== undefined) return valueJson(v, path, 1, path);
  return '';
}

/** An AnyValue inside an array or map (of the attribute value at `root`): its JSON text ('null' when unset). */
function valueJson(v: Record<string, unknown>, path: string, depth: number, root: string): string {
  if (depth > MAX_VALUE_DEPTH) fail(root, `a value nested at most ${MAX_VALUE_DEPTH} levels deep`);
  if (v.stringValue !== undefined) return JSON.stringify(string(v.stringValue, `${path}.stringValue`));
  if (v.boolValue !== undefined) return String(bool(v.boolValue, `${path}.boolValue`));
  if (v.intValue !== undefined) return int64(v.intValue, `${path}.intValue`).toString();
  if (v.doubleValue !== undefined) return doubleJson(double(v.doubleValue, `${path}.doubleValue`));
  if (v.bytesValue !== undefined) return JSON.stringify(string(v.bytesValue, `${path}.bytesValue`));
  if (v.arrayValue !== undefined) {
    const values = list(object(v.arrayValue, `${path}.arrayValue`).values, `${path}.arrayValue.values`);
    return jsonArray(
      values.map((item, i) => {
        const itemPath = `${path}.arrayValue.values[${i}]`;
        return valueJson(object(item, itemPath), itemPath, depth + 1, root);
      }),
    );
  }
  if (v.kvlistValue !== undefined) {
    const values = list(object(v.kvlistValue, `${path}.kvlistValue`).values, `${path}.kvlistValue.values`);
    return jsonObject(
      values.map((kvValue, i) => {
        const kvPath = `${path}.kvlistValue.values[${i}]`;
        const kv = object(kvValue, kvPath);
        const key = string(kv.key, `${kvPath}.key`);
        const member =
          kv.value == null
            ? 'null'
            : valueJson(object(kv.value, `${kvPath}.value`), `${kvPath}.value`, depth + 1, root);
        return [key, member];
      }),
    );
  }
  return 'null';
}
