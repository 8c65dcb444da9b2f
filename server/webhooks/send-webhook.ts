import { SIGNATURE_HEADER, signatureHeader } from './signature.js';

/** Bytes of the receiver's response read and kept in the delivery log; the rest is never read. */
const EXCERPT_BYTES = 256;

export interface WebhookRequest {
  url: string;
  secret: string;
  body: string;
  eventType: string;
  deliveryId: string;
}

export interface AttemptOutcome {
  ok: boolean;
  httpStatus: number | null;
  error: string;
  responseExcerpt: string;
  latencyMs: number;
}

/**
 * One delivery attempt: a signed JSON POST, redirects not followed, answered 2xx within `timeoutMs` or failed.
 * Never throws; `signal` aborts it at shutdown.
 */
export async function sendWebhook(
  req: WebhookRequest,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  // A timer of our own rather than AbortSignal.timeout(): Node 20 may garbage-collect a timeout signal that only
  // AbortSignal.any() refers to, and then the attempt never times out.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new DOMException('timed out', 'TimeoutError')), timeoutMs);
  try {
    const response = await fetch(req.url, {
      method: 'POST',
      body: req.body,
      redirect: 'manual',
      signal: AbortSignal.any([signal, timeout.signal]),
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Tracelane-Webhooks/1',
        'X-Tracelane-Event': req.eventType,
        'X-Tracelane-Delivery': req.deliveryId,
        [SIGNATURE_HEADER]: signatureHeader(req.secret, req.body, Math.floor(Date.now() / 1000)),
      },
    });
    const responseExcerpt = await readExcerpt(response);
    const ok = response.status >= 200 && response.status < 300;
    const error = ok ? '' : `receiver answered HTTP ${response.status}`;
    return { ok, httpStatus: response.status, error, responseExcerpt, latencyMs: elapsed() };
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
