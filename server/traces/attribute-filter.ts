import { badRequest } from '../http/errors.js';
import type { Params } from '../store/store.js';

/**
 * Attribute filters of the trace search, one per `attr` query parameter: `key=value`, `key!=value`, `key` (the
 * attribute exists), or a numeric comparison `key>n`, `key>=n`, `key<n`, `key<=n`. A span matches when its own
 * attribute or its resource's attribute of that key matches. Keys and values are bound parameters, never SQL text.
 */
export type AttributeOp = 'exists' | '=' | '!=' | '>' | '>=' | '<' | '<=';

export interface AttributeFilter {
  key: string;
  op: AttributeOp;
  /** The value compared with; a number for the numeric operators, absent for `exists`. */
  value?: string | number;
}

export const MAX_ATTRIBUTE_FILTERS = 10;
const MAX_KEY = 256;
const MAX_VALUE = 1024;
/** key, then the first operator, then the value (which may itself contain any character). */
const FILTER = /^([^=!<>]+?)\s*(!=|>=|<=|=|>|<)\s*(.*)$/s;

export function parseAttributeFilter(text: string, field = 'attr'): AttributeFilter {
  const match = FILTER.exec(text);
  const key = (match ? (match[1] as string) : text).trim();
  if (key === '' || key.length > MAX_KEY) {
    throw badRequest(
      `${field}: an attribute key of 1–${MAX_KEY} characters is required (key=value, key, key>n)`,
      field,
    );
  }
  if (!match) {
    if (/[=!<>]/.test(key)) throw badRequest(`${field}: "${text}" is not key=value, key!=value, key or key>n`, field);
    return { key, op: 'exists' };
  }
  const op = match[2] as AttributeOp;
  const value = match[3] as string;
  if (value.length > MAX_VALUE) throw badRequest(`${field}: the value must be at most ${MAX_VALUE} characters`, field);
  if (op === '=' || op === '!=') return { key, op, value };
  const number = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(number)) {
    throw badRequest(`${field}: ${op} compares numbers, and "${value}" is not one`, field);
  }
  return { key, op, value: number };
}

/**
 * The SQL condition for the filter at position `index`, its values added to `params`. The attribute is looked up
 * in the span's attributes first and its resource's attributes second.
 */
export function attributeCondition(filter: AttributeFilter, index: number, params: Params): string {
  const key = `attrKey${index}`;
  params[key] = filter.key;
  const has = (map: string) => `mapContains(${map}, {${key}:String})`;
  const valueOf = `if(${has('SpanAttributes')}, SpanAttributes[{${key}:String}], ResourceAttributes[{${key}:String}])`;
  const exists = `(${has('SpanAttributes')} OR ${has('ResourceAttributes')})`;
  if (filter.op === 'exists') return exists;
  const value = `attrValue${index}`;
  params[value] = filter.value;
  if (filter.op === '=' && filter.value === '') return `(${exists} AND ${valueOf} = '')`;
  if (filter.op === '=') {
    return `(SpanAttributes[{${key}:String}] = {${value}:String} OR ResourceAttributes[{${key}:String}] = {${value}:String})`;
  }
  if (filter.op === '!=') return `(${exists} AND ${valueOf} != {${value}:String})`;
  return `toFloat64OrNull(${valueOf}) ${filter.op} {${value}:Float64}`;
}
