import { createHmac } from 'node:crypto';

/**
 * Every delivery carries `X-Tracelane-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 * Receivers recompute the HMAC over the raw body, compare in constant time, and reject old timestamps (replays).
 */
export const SIGNATURE_HEADER = 'X-Tracelane-Signature';

export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}
