import { postJson, type PostOptions, type PostOutcome } from '../outbound/post-json.js';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';

export interface WebhookRequest {
  url: string;
  secret: string;
  body: string;
  eventType: string;
  deliveryId: string;
}

export type AttemptOutcome = PostOutcome;
export type SendOptions = PostOptions;

/**
 * One delivery attempt: a signed JSON POST through the outbound guard (post-json.ts), answered 2xx within
 * `timeoutMs` or failed. Never throws; `signal` aborts it at shutdown.
 */
export function sendWebhook(req: WebhookRequest, options: SendOptions): Promise<AttemptOutcome> {
  const headers = {
    'User-Agent': 'Tracelane-Webhooks/1',
    'X-Tracelane-Event': req.eventType,
    'X-Tracelane-Delivery': req.deliveryId,
    [SIGNATURE_HEADER]: signatureHeader(req.secret, req.body, Math.floor(Date.now() / 1000)),
  };
  return postJson(req.url, req.body, headers, options);
}
