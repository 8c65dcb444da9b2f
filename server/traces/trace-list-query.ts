import { z } from 'zod';
import { badRequest } from '../http/errors.js';
import { parseQuery } from '../http/validation.js';
import { timeParam } from '../http/validation.js';
import { MAX_ATTRIBUTE_FILTERS, parseAttributeFilter, type AttributeFilter } from './attribute-filter.js';
import { decodeCursor, type TraceCursor } from './cursor.js';
import { MAX_TEXT_CHARS, MIN_TEXT_CHARS } from './text-search.js';

const label = z.string().min(1).max(256);
const nonNegative = z.coerce.number().nonnegative();
const attr = z.union([z.string(), z.array(z.string()).max(MAX_ATTRIBUTE_FILTERS)]);
/** Up to 30 days: longer is no span duration, and its nanoseconds would leave the exact range of a double. */
const MAX_DURATION_MS = 30 * 86_400_000;
const durationMs = z.coerce
  .number('must be a number of milliseconds')
  .nonnegative('must not be negative')
  .max(MAX_DURATION_MS, `must be at most ${MAX_DURATION_MS} (30 days)`);

const schema = z.strictObject({
  environment: label.optional(),
  prompt: label.optional(),
  version: label.optional(),
  model: label.optional(),
  status: z.enum(['ok', 'error']).optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
  minDurationMs: durationMs.optional(),
  maxDurationMs: durationMs.optional(),
  minCostUsd: nonNegative.max(1e9).optional(),
  maxCostUsd: nonNegative.max(1e9).optional(),
  attr: attr.optional(),
  q: z
    .string()
    .trim()
    .min(MIN_TEXT_CHARS, `must be at least ${MIN_TEXT_CHARS} characters`)
    .max(MAX_TEXT_CHARS, `must be at most ${MAX_TEXT_CHARS} characters`)
    .optional(),
});

export const DEFAULT_WINDOW_MS = 3_600_000;

export interface TraceListQuery {
  environment?: string;
  prompt?: string;
  version?: string;
  model?: string;
  status?: 'ok' | 'error';
  /** Epoch milliseconds; always set (default: the last hour). */
  from: number;
  to: number;
  limit: number;
  cursor?: TraceCursor;
  minDurationMs?: number;
  maxDurationMs?: number;
  /** Total cost of the trace's generations, USD. */
  minCostUsd?: number;
  maxCostUsd?: number;
  /** Span or resource attribute conditions, all of which one span of the trace must meet. */
  attributes: AttributeFilter[];
  /** Text that a span's attribute or event values must contain (case-insensitive). */
  text?: string;
}

function ordered(low: number | undefined, high: number | undefined, min: string, max: string): void {
  if (low !== undefined && high !== undefined && low > high) throw badRequest(`${min} must not exceed ${max}`, min);
}

/** Validates `GET /api/v1/traces` parameters; every problem is a 400 naming the parameter. */
export function parseTraceListQuery(query: unknown, nowMs = Date.now()): TraceListQuery {
  const { attr: attrs, q: text, ...q } = parseQuery(schema, query);
  const to = q.to ?? nowMs;
  const from = q.from ?? to - DEFAULT_WINDOW_MS;
  if (from >= to) throw badRequest('from must be before to', 'from');
  ordered(q.minDurationMs, q.maxDurationMs, 'minDurationMs', 'maxDurationMs');
  ordered(q.minCostUsd, q.maxCostUsd, 'minCostUsd', 'maxCostUsd');
  const attributes = (attrs === undefined ? [] : [attrs].flat()).map((a) => parseAttributeFilter(a));
  return {
    ...q,
    from,
    to,
    cursor: q.cursor === undefined ? undefined : decodeCursor(q.cursor),
    attributes,
    ...(text === undefined ? {} : { text }),
  };
}
