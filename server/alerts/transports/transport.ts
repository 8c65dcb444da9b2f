import type { AddressPolicy } from '../../outbound/address-policy.js';
import type { PostOutcome } from '../../outbound/post-json.js';
import type { ChannelWithSettings } from '../channels/channel-table.js';
import type { AlertMessage } from '../message/alert-message.js';

/**
 * The outcome of one attempt; `retryable` false gives up at once (a rejected payload, a revoked URL or key, an
 * address the outbound guard refuses).
 */
export interface TransportOutcome extends Omit<PostOutcome, 'refused'> {
  retryable: boolean;
}

export interface SendContext {
  /** Groups the attempts of one message to one channel (the webhook's `X-Tracelane-Delivery`). */
  deliveryId: string;
  timeoutMs: number;
  /** Aborted at shutdown. */
  signal: AbortSignal;
  /** Where HTTP channels may send (the outbound guard; OUTBOUND_ALLOWED_NETWORKS opens internal receivers). */
  policy: AddressPolicy;
}

/** One channel type's way of sending a message. Never throws: a failure is an outcome. */
export interface Transport {
  send(message: AlertMessage, channel: ChannelWithSettings, ctx: SendContext): Promise<TransportOutcome>;
}

/** HTTP failures worth another attempt: no answer, a timeout, 408, 429 and 5xx — never a refused address. */
export function httpOutcome({ refused, ...outcome }: PostOutcome): TransportOutcome {
  const status = outcome.httpStatus;
  const retryable = !outcome.ok && !refused && (status === null || status === 408 || status === 429 || status >= 500);
  return { ...outcome, retryable };
}
