/** Bytes of the receiver's response read and kept in a delivery log; the rest is never read. */
const EXCERPT_BYTES = 256;

export interface PostOutcome {
  ok: boolean;
  httpStatus: number | null;
  error: string;
  /** The start of the receiver's response body. */
  responseExcerpt: string;
  latencyMs: number;
  /** The receiver's `Retry-After` (429, 503), in milliseconds, when it sent one. */
  retryAfterMs?: number;
}

/**
 * One outbound JSON POST (webhook deliveries, alert notifications): redirects not followed, answered 2xx within
 * `timeoutMs` or failed. Never throws; `signal` aborts it at shutdown.
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<PostOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  // A timer of our own rather than AbortSignal.timeout(): Node 20 may garbage-collect a timeout signal that only
  // AbortSignal.any() refers to, and then the attempt never times out.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new DOMException('timed out', 'TimeoutError')), timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      redirect: 'manual',
      signal: AbortSignal.any([signal, timeout.signal]),
      headers: { 'Content-Type': 'application/json', ...headers },
    });
    const responseExcerpt = await readExcerpt(response);
    const ok = response.status >= 200 && response.status < 300;
    const error = ok ? '' : `receiver answered HTTP ${response.status}`;
    const retryAfterMs = retryAfter(response.headers.get('retry-after'));
    return {
      ok,
      httpStatus: response.status,
      error,
      responseExcerpt,
      latencyMs: elapsed(),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  } catch (err) {
    return { ok: false, httpStatus: null, error: describe(err, timeoutMs), responseExcerpt: '', latencyMs: elapsed() };
  } finally {
    clearTimeout(timer);
  }
}

function describe(err: unknown, timeoutMs: number): string {
  if (err instanceof DOMException && err.name === 'TimeoutError') return `no response within ${timeoutMs} ms`;
  if (err instanceof DOMException && err.name === 'AbortError') return 'aborted at shutdown';
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from now; undefined when absent or unreadable. */
function retryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

async function readExcerpt(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < EXCERPT_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel();
  return Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
}
