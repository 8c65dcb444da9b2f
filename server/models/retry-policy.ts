/**
 * When to retry a model call, and after how long: the provider's `retry-after-ms`, else `retry-after` (seconds or
 * an HTTP date); without either, exponential backoff from `baseMs` doubling per retry up to `maxMs`, minus up to
 * 25 % jitter — the official SDKs' policy.
 */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** A provider asking for a longer wait than this is not retried (the call fails, retryable later). */
  retryAfterMaxMs: number;
}

/** The wait the provider asked for, in ms, or undefined when its headers say nothing usable. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Delay before retry number `retry` (1 for the first retry), or undefined when the asked wait is too long. */
export function retryDelayMs(
  retry: number,
  asked: number | undefined,
  policy: RetryPolicy,
  random = Math.random,
): number | undefined {
  if (asked !== undefined) return asked <= policy.retryAfterMaxMs ? asked : undefined;
  const backoff = Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
  return Math.round(backoff * (1 - 0.25 * random()));
}
