import { z } from 'zod';
import { badRequest } from './errors.js';

/**
 * Request validation with zod. The first problem becomes a 400 whose message and `field` name the offending field
 * by its path (`messages.0.role`); unknown keys are reported by their own name; a missing field "is required".
 * Before the schema, a body's shape is checked (checkJsonShape): nesting depth and well-formed text.
 */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('request body must be a JSON object (Content-Type: application/json)');
  }
  checkJsonShape(body);
  return parse(schema, body, []);
}

/** In `u` mode a surrogate pair reads as one code point, so only an unpaired half matches the category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATES = /\p{Cs}/gu;

/** Deepest nesting of objects and arrays a JSON body may have. */
export const MAX_JSON_DEPTH = 64;

/**
 * What JSON.parse lets through but nothing after it can handle: nesting deeper than MAX_JSON_DEPTH (schemas and
 * serialisers recurse) and strings or keys holding a lone UTF-16 surrogate (`"\ud800"`: not Unicode text, so the
 * store refuses it). Walks the value without recursion; 400 naming where.
 */
export function checkJsonShape(body: unknown): void {
  const stack: { value: unknown; path: string[] }[] = [{ value: body, path: [] }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value, path } = next;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) throw malformed(path, 'must be valid Unicode text (it holds a lone surrogate)');
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (path.length >= MAX_JSON_DEPTH)
      throw malformed(path.slice(0, 3), `must not nest deeper than ${MAX_JSON_DEPTH} levels`);
    for (const [key, child] of Object.entries(value)) {
      if (LONE_SURROGATE.test(key)) throw malformed([...path, key], 'names a key that is not valid Unicode text');
      stack.push({ value: child, path: [...path, key] });
    }
  }
}

function malformed(path: string[], problem: string) {
  const field = path.map((segment) => segment.replace(LONE_SURROGATES, '\ufffd')).join('.');
  return field === '' ? badRequest(`request body ${problem}`) : badRequest(`${field}: ${problem}`, field);
}

/** Query-string parameters (`req.query`). */
export function parseQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  return parse(schema, query, []);
}

/** One value, e.g. a path parameter, reported under `field`. */
export function parseField<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  return parse(schema, value, [field]);
}

function parse<T>(schema: z.ZodType<T>, input: unknown, prefix: string[]): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw badRequest('invalid request');
  const path = [...prefix, ...issue.path.map(String)];
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  const field = path.join('.');
  const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
  const message = missing ? 'is required' : issue.message;
  if (field === '') throw badRequest(message);
  throw badRequest(`${field}: ${message}`, field);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** A whole-number query-string value (text) from `min` to `max`; `fallback` when absent. */
export function intParam(min: number, max: number, fallback: number) {
  return z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .default(fallback);
}

/**
 * The times the API accepts, in epoch milliseconds: from 1970 up to (not including) 2100. The store's minute rollups
 * use 32-bit DateTime, which ends in 2106, and its nanosecond times end in 2262; a later time would wrap around.
 */
export const TIME_RANGE = { min: 0, max: Date.UTC(2100, 0, 1) } as const;
const TIME_RANGE_MESSAGE = 'must be between 1970-01-01 and 2100-01-01';

/** A time in epoch milliseconds (a JSON number) within TIME_RANGE. */
export const epochMs = z
  .number('must be epoch milliseconds')
  .int('must be whole epoch milliseconds')
  .min(TIME_RANGE.min, TIME_RANGE_MESSAGE)
  .max(TIME_RANGE.max - 1, TIME_RANGE_MESSAGE);

/** A time as ISO-8601 (`2026-11-21T10:00:00Z`) or epoch milliseconds; becomes epoch milliseconds, within TIME_RANGE. */
export const timeParam = z
  .string()
  .max(64)
  .transform((text, ctx) => {
    const ms = /^\d{1,15}$/.test(text) ? Number(text) : Date.parse(text);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 time or epoch milliseconds' });
      return z.NEVER;
    }
    if (ms < TIME_RANGE.min || ms >= TIME_RANGE.max) {
      ctx.addIssue({ code: 'custom', message: TIME_RANGE_MESSAGE });
      return z.NEVER;
    }
    return ms;
  });

/** A named path parameter as text (Express has already decoded it, so `%2F` arrives as `/`). */
export function pathParam(params: Record<string, string | string[] | undefined>, name: string): string {
  const value = params[name];
  return Array.isArray(value) ? value.join('/') : (value ?? '');
}
