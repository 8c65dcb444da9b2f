import { postJson, type PostOutcome } from '../http/post-json.js';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';

export interface WebhookRequest {
  url: string;
  secret: string;
  body: string;
  eventType: string;
  deliveryId: string;
}

export type AttemptOutcome = PostOutcome;

/** One delivery attempt: a signed JSON POST (post-json.ts). Never throws; `signal` aborts it at shutdown. */
export function sendWebhook(req: WebhookRequest, timeoutMs: number, signal: AbortSignal): Promise<AttemptOutcome> {
  const headers = {
    'User-Agent': 'Tracelane-Webhooks/1',
    'X-Tracelane-Event': req.eventType,
    'X-Tracelane-Delivery': req.deliveryId,
    [SIGNATURE_HEADER]: signatureHeader(req.secret, req.body, Math.floor(Date.now() / 1000)),
  };
  return postJson(req.url, req.body, headers, timeoutMs, signal);
}
