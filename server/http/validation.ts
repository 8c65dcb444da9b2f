import { z } from 'zod';
import { badRequest } from './errors.js';

/**
 * Request validation with zod. The first problem becomes a 400 whose message and `field` name the offending field
 * by its path (`messages.0.role`); unknown keys are reported by their own name; a missing field "is required".
 */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('request body must be a JSON object (Content-Type: application/json)');
  }
  return parse(schema, body, []);
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

/** A time as ISO-8601 (`2026-11-21T10:00:00Z`) or epoch milliseconds; becomes epoch milliseconds. */
export const timeParam = z
  .string()
  .max(64)
  .transform((text, ctx) => {
    const ms = /^\d{1,15}$/.test(text) ? Number(text) : Date.parse(text);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 time or epoch milliseconds' });
      return z.NEVER;
    }
    return ms;
  });

/** A named path parameter as text (Express has already decoded it, so `%2F` arrives as `/`). */
export function pathParam(params: Record<string, string | string[] | undefined>, name: string): string {
  const value = params[name];
  return Array.isArray(value) ? value.join('/') : (value ?? '');
}
