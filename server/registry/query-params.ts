import { z } from 'zod';
import { intParam } from '../http/validation.js';

/** Query-string values (always text) with the conversions the registry's list routes share. */

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
