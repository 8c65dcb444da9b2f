import type { AddressPolicy } from './address-policy.js';
import { postGuarded } from './outbound-post.js';
import { OutboundRefusedError, type Resolver } from './outbound-target.js';

/** Bytes of the receiver's response read and kept in a delivery log; the rest is never read. */
const EXCERPT_BYTES = 256;

export interface PostOutcome {
  ok: boolean;
  /** The guard refused the receiver's address: retrying cannot help. */
  refused: boolean;
  httpStatus: number | null;
  error: string;
  /** The start of the receiver's response body. */
  responseExcerpt: string;
  latencyMs: number;
  /** The receiver's `Retry-After` (429, 503), in milliseconds, when it sent one. */
  retryAfterMs?: number;
}

export interface PostOptions {
  timeoutMs: number;
  /** Aborts the attempt (shutdown). */
  signal: AbortSignal;
  /** Which addresses the receiver may resolve to (checked on every attempt). */
  policy: AddressPolicy;
  resolve?: Resolver;
}

/**
 * One JSON POST to a configured receiver (webhook deliveries, alert notifications) through the outbound guard
 * (outbound-post.ts: forbidden addresses are refused before anything is sent, redirects are not followed), answered
 * 2xx within `timeoutMs` or failed. Never throws.
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: PostOptions,
): Promise<PostOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await postGuarded(
      {
        url,
        body,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        headers: { 'Content-Type': 'application/json', ...headers },
      },
      options.policy,
      { excerptBytes: EXCERPT_BYTES, ...(options.resolve ? { resolve: options.resolve } : {}) },
    );
    const ok = response.status >= 200 && response.status < 300;
    const redirect = response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : '';
    const error = ok ? '' : `receiver answered HTTP ${response.status}${redirect}`;
    const retryAfterMs = retryAfter(response.retryAfter);
    return {
      ok,
      refused: false,
      httpStatus: response.status,
      error,
      responseExcerpt: response.excerpt,
      latencyMs: elapsed(),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  } catch (err) {
    const refused = err instanceof OutboundRefusedError;
    const error = describe(err, options.timeoutMs);
    return { ok: false, refused, httpStatus: null, error, responseExcerpt: '', latencyMs: elapsed() };
  }
}

function describe(err: unknown, timeoutMs: number): string {
  if (err instanceof OutboundRefusedError) return `refused: ${err.message}`;
  if (err instanceof DOMException && err.name === 'TimeoutError') return `no response within ${timeoutMs} ms`;
  if (err instanceof DOMException && err.name === 'AbortError') return 'aborted at shutdown';
  const code = (err as { code?: string }).code;
  return code ?? (err instanceof Error ? err.message : String(err));
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from now; undefined when absent or unreadable. */
function retryAfter(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
