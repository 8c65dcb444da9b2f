import { randomUUID } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import { AddressPolicy } from '../../outbound/address-policy.js';
import type { Store } from '../../store/store.js';
import { retryDelayMs } from '../../webhooks/backoff.js';
import { DeliveryQueue, type QueuedDelivery } from '../../webhooks/delivery-queue.js';
import { findChannel, type ChannelWithSettings } from '../channels/channel-table.js';
import type { AlertMessage } from '../message/alert-message.js';
import type { TransportOutcome } from '../transports/transport.js';
import type { Transports } from '../transports/transports.js';
import { recordDelivery, unfinishedDeliveries, type AlertDeliveryResult } from './delivery-log.js';
import { redactSecrets } from './redact.js';

export type AlertDispatcherConfig = Pick<
  Config,
  | 'ALERT_DELIVERY_MAX_ATTEMPTS'
  | 'ALERT_DELIVERY_RETRY_BASE_MS'
  | 'ALERT_DELIVERY_RETRY_MAX_MS'
  | 'ALERT_DELIVERY_TIMEOUT_MS'
  | 'OUTBOUND_ALLOWED_NETWORKS'
>;

interface PendingMessage extends QueuedDelivery {
  channelId: string;
  channelType: string;
  alertSeq: number;
  message: AlertMessage;
}

type Outcome = Omit<TransportOutcome, 'ok' | 'retryable' | 'retryAfterMs'>;

function rowOf(d: PendingMessage, result: AlertDeliveryResult, outcome: Outcome, at: Date, nextRetryAt: number | null) {
  return {
    id: randomUUID(),
    deliveryId: d.id,
    alertId: d.message.alertId,
    alertSeq: d.alertSeq,
    channelId: d.channelId,
    channelType: d.channelType,
    attempt: d.attempts,
    time: at.toISOString(),
    result,
    httpStatus: outcome.httpStatus,
    error: outcome.error,
    responseExcerpt: outcome.responseExcerpt,
    latencyMs: outcome.latencyMs,
    nextRetryAt: nextRetryAt === null ? null : new Date(nextRetryAt).toISOString(),
  };
}

export interface AlertDispatcher {
  /** Hands a message to each channel (recorded as `queued`, with the message); returns the delivery ids. */
  enqueue(message: AlertMessage, alertSeq: number, channels: readonly ChannelWithSettings[]): Promise<string[]>;
  /** Deliveries in memory (waiting or in flight). */
  pending(): number;
  /** Stops: aborts attempts in flight; what is unfinished stays in the log and is resumed at the next start. */
  stop(): Promise<void>;
}

const PER_CHANNEL = 1000;
const TOTAL = 10_000;
/** Unfinished deliveries older than this are not resumed at start-up (their news is stale). */
const RESUME_WINDOW_MS = 24 * 3_600_000;

/**
 * Sends alert messages to channels in the background, one at a time per channel (a slow or failing channel never
 * delays another), retrying failures with exponential backoff (or the receiver's Retry-After) up to
 * ALERT_DELIVERY_MAX_ATTEMPTS, recording every attempt like webhook deliveries.
 */
export async function startAlertDispatcher(deps: {
  config: AlertDispatcherConfig;
  store: Store;
  log: Logger;
  transports: Transports;
}): Promise<AlertDispatcher> {
  const { config, store, log, transports } = deps;
  const queue = new DeliveryQueue<PendingMessage>(PER_CHANNEL, TOTAL, {
    targetOf: (d) => d.channelId,
    ageOf: (d) => d.message.time,
  });
  const policy = { baseMs: config.ALERT_DELIVERY_RETRY_BASE_MS, maxMs: config.ALERT_DELIVERY_RETRY_MAX_MS };
  const outbound = new AddressPolicy(config.OUTBOUND_ALLOWED_NETWORKS);
  const shutdown = new AbortController();
  const work = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;

  const track = (task: Promise<void>, what: string) => {
    const tracked = task.catch((err: unknown) => log.error(`alerts: ${what} failed`, { error: String(err) }));
    work.add(tracked);
    void tracked.finally(() => work.delete(tracked));
  };

  const record = (
    d: PendingMessage,
    result: AlertDeliveryResult,
    outcome: Outcome,
    at: Date,
    next: number | null = null,
  ) => track(recordDelivery(store, rowOf(d, result, outcome, at, next)), 'writing the alert delivery log');

  const pump = () => {
    if (shutdown.signal.aborted) return;
    for (const d of queue.takeDue(Date.now())) track(attempt(d), 'an alert delivery attempt');
    clearTimeout(timer);
    const next = queue.nextDueAt();
    if (next !== undefined) timer = setTimeout(pump, Math.max(0, next - Date.now()));
  };

  const attempt = async (d: PendingMessage) => {
    const startedAt = new Date();
    const channel = await findChannel(store, d.channelId).catch((err: unknown) => {
      log.error('alerts: cannot read a channel; retrying later', { channel: d.channelId, error: String(err) });
      return null;
    });
    if (channel === null) {
      d.sending = false;
      d.dueAt = Date.now() + policy.baseMs;
      return pump();
    }
    if (channel === undefined) {
      queue.remove(d);
      const gone = { httpStatus: null, error: 'the channel was deleted', responseExcerpt: '', latencyMs: 0 };
      record(d, 'failed', gone, startedAt);
      return pump();
    }
    d.attempts++;
    const ctx = {
      deliveryId: d.id,
      timeoutMs: config.ALERT_DELIVERY_TIMEOUT_MS,
      signal: shutdown.signal,
      policy: outbound,
    };
    const sent = await transports[channel.type].send(d.message, channel, ctx);
    const outcome = redactSecrets(sent, channel);
    d.sending = false;
    if (shutdown.signal.aborted && !outcome.ok) {
      record(d, 'retrying', outcome, startedAt, Date.now()); // resumed at the next start
    } else if (outcome.ok || !outcome.retryable || d.attempts >= config.ALERT_DELIVERY_MAX_ATTEMPTS) {
      queue.remove(d);
      record(d, outcome.ok ? 'delivered' : 'failed', outcome, startedAt);
      if (!outcome.ok)
        log.warn('alert notification failed', { channel: channel.id, type: channel.type, error: outcome.error });
    } else {
      const wait = Math.max(retryDelayMs(d.attempts, policy), Math.min(outcome.retryAfterMs ?? 0, policy.maxMs));
      d.dueAt = Date.now() + wait;
      record(d, 'retrying', outcome, startedAt, d.dueAt);
    }
    pump();
  };

  const add = (d: PendingMessage) => {
    for (const dropped of queue.add(d)) {
      const error = 'queue full: oldest waiting delivery dropped';
      log.warn('alert delivery dropped', { channel: dropped.channelId, alert: dropped.message.alertId });
      record(dropped, 'dropped', { httpStatus: null, error, responseExcerpt: '', latencyMs: 0 }, new Date());
    }
  };

  for (const u of await unfinishedDeliveries(store, Date.now() - RESUME_WINDOW_MS)) add({ ...u, sending: false });
  if (queue.size > 0) log.info('alert deliveries resumed', { deliveries: queue.size });
  pump();

  return {
    async enqueue(message, alertSeq, channels) {
      const ids: string[] = [];
      const now = new Date();
      for (const channel of channels) {
        const d: PendingMessage = {
          id: `adl_${randomUUID()}`,
          channelId: channel.id,
          channelType: channel.type,
          alertSeq,
          message,
          attempts: 0,
          dueAt: now.getTime(),
          sending: false,
        };
        const queued = { httpStatus: null, error: '', responseExcerpt: '', latencyMs: 0 };
        await recordDelivery(store, rowOf(d, 'queued', queued, now, null), message);
        add(d);
        ids.push(d.id);
      }
      pump();
      return ids;
    },
    pending: () => queue.size,
    stop: async () => {
      shutdown.abort();
      clearTimeout(timer);
      while (work.size > 0) await Promise.all(work);
    },
  };
}
