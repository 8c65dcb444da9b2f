import type { z } from 'zod';
import { badRequest } from '../http/errors.js';

/** Parses a request body with a zod schema; the first problem becomes a 400 naming its field (e.g. `items.3.score`). */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  throw badRequest(field ? `${field}: ${issue?.message ?? 'invalid'}` : (issue?.message ?? 'invalid body'), field);
}
