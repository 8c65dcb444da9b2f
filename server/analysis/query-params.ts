import { badRequest } from '../http/errors.js';
import { parseField } from '../http/validation.js';
import { timeParam } from '../http/validation.js';

/** Query-string and body readers that fail with a 400 naming the field. */
export type Query = Record<string, unknown>;

export function optionalString(query: Query, field: string, maxLength = 200): string | undefined {
  const value = query[field];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw badRequest(`${field} must be given once, as a string`, field);
  if (value.length > maxLength) throw badRequest(`${field} must be at most ${maxLength} characters`, field);
  return value;
}

export function requiredString(query: Query, field: string, maxLength = 200): string {
  const value = optionalString(query, field, maxLength);
  if (value === undefined) throw badRequest(`${field} is required`, field);
  return value;
}

export function optionalEnum<T extends string>(query: Query, field: string, allowed: readonly T[]): T | undefined {
  const value = optionalString(query, field);
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw badRequest(`${field} must be one of ${allowed.join(', ')}`, field);
  return value as T;
}

/** A time given as ISO-8601 or epoch milliseconds, returned as epoch milliseconds. */
function optionalTime(query: Query, field: string): number | undefined {
  const value = optionalString(query, field, 40);
  return value === undefined ? undefined : parseField(timeParam, value, field);
}

export interface TimeWindow {
  /** Epoch milliseconds, inclusive. */
  from: number;
  /** Epoch milliseconds, exclusive. */
  to: number;
}

export interface WindowRules {
  /** Length of the window when `from` is omitted. */
  defaultMs: number;
  /** Longest window accepted. */
  maxMs: number;
}

/** `from` / `to` with defaults (`to` = now, `from` = to − default); a time window is always applied. */
export function timeWindow(query: Query, now: number, rules: WindowRules): TimeWindow {
  const to = optionalTime(query, 'to') ?? now;
  const from = optionalTime(query, 'from') ?? to - rules.defaultMs;
  if (from >= to) throw badRequest('from must be before to', 'from');
  if (to - from > rules.maxMs) {
    throw badRequest(`the window from..to must be at most ${Math.round(rules.maxMs / 86_400_000)} days`, 'from');
  }
  return { from, to };
}
