import type { AddressPolicy } from '../outbound/address-policy.js';
import { postGuarded } from '../outbound/outbound-post.js';
import { OutboundRefusedError, type Resolver } from '../outbound/outbound-target.js';
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
  /** The guard refused the receiver's address: retrying cannot help. */
  refused: boolean;
  httpStatus: number | null;
  error: string;
  responseExcerpt: string;
  latencyMs: number;
}

export interface SendOptions {
  timeoutMs: number;
  signal: AbortSignal;
  /** Which addresses the receiver may resolve to (checked on every attempt). */
  policy: AddressPolicy;
  resolve?: Resolver;
}

/**
 * One delivery attempt: a signed JSON POST through the outbound guard (outbound-post.ts: forbidden addresses are
 * refused before anything is sent, redirects are not followed), answered 2xx within `timeoutMs` or failed.
 * Never throws; `signal` aborts it at shutdown.
 */
export async function sendWebhook(req: WebhookRequest, options: SendOptions): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await postGuarded(
      {
        url: req.url,
        body: req.body,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Tracelane-Webhooks/1',
          'X-Tracelane-Event': req.eventType,
          'X-Tracelane-Delivery': req.deliveryId,
          [SIGNATURE_HEADER]: signatureHeader(req.secret, req.body, Math.floor(Date.now() / 1000)),
        },
      },
      options.policy,
      { excerptBytes: EXCERPT_BYTES, ...(options.resolve ? { resolve: options.resolve } : {}) },
    );
    const ok = response.status >= 200 && response.status < 300;
    const redirect = response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : '';
    const error = ok ? '' : `receiver answered HTTP ${response.status}${redirect}`;
    const { status, excerpt } = response;
    return { ok, refused: false, httpStatus: status, error, responseExcerpt: excerpt, latencyMs: elapsed() };
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
