import type { PostOutcome } from '../../http/post-json.js';
import type { ChannelWithSettings } from '../channels/channel-table.js';
import type { AlertMessage } from '../message/alert-message.js';

/** The outcome of one attempt; `retryable` false gives up at once (a rejected payload, a revoked URL or key). */
export interface TransportOutcome extends PostOutcome {
  retryable: boolean;
}

export interface SendContext {
  /** Groups the attempts of one message to one channel (the webhook's `X-Tracelane-Delivery`). */
  deliveryId: string;
  timeoutMs: number;
  /** Aborted at shutdown. */
  signal: AbortSignal;
}

/** One channel type's way of sending a message. Never throws: a failure is an outcome. */
export interface Transport {
  send(message: AlertMessage, channel: ChannelWithSettings, ctx: SendContext): Promise<TransportOutcome>;
}

/** HTTP failures worth another attempt: no answer, a timeout, 408, 429 and 5xx. */
export function retryableHttp(outcome: PostOutcome): boolean {
  const status = outcome.httpStatus;
  return status === null || status === 408 || status === 429 || status >= 500;
}
