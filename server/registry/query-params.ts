import { z } from 'zod';

/** Query-string values (always text) with the conversions the registry's list routes share. */

export function intParam(min: number, max: number, fallback: number) {
  return z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .default(fallback);
}

export const pageParams = {
  limit: intParam(1, 1000, 100),
  offset: intParam(0, 1_000_000, 0),
};

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
