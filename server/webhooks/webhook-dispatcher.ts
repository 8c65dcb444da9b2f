import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import type { EventBus, ProductEvent } from '../events/event-bus.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { AddressPolicy } from '../outbound/address-policy.js';
import { retryDelayMs } from './backoff.js';
import { recordAttempt, type DeliveryAttempt, type DeliveryResult } from './delivery-log.js';
import { DeliveryQueue, WEBHOOK_QUEUE_KEYS, type PendingDelivery } from './delivery-queue.js';
import { sendWebhook, type AttemptOutcome } from './send-webhook.js';
import { findWebhook, subscribersOf, type Webhook } from './webhook-table.js';

export type DispatcherConfig = Pick<
  Config,
  | 'WEBHOOK_MAX_ATTEMPTS'
  | 'WEBHOOK_RETRY_BASE_MS'
  | 'WEBHOOK_RETRY_MAX_MS'
  | 'WEBHOOK_TIMEOUT_MS'
  | 'WEBHOOK_QUEUE_PER_ENDPOINT'
  | 'WEBHOOK_QUEUE_TOTAL'
  | 'OUTBOUND_ALLOWED_NETWORKS'
>;

export interface DispatcherOptions {
  config: DispatcherConfig;
  store: Store;
  log: Logger;
  bus: EventBus;
}

export interface DispatcherCounts {
  /** Deliveries in memory (waiting or in flight). */
  pending: number;
  delivered: number;
  failed: number;
  dropped: number;
}

/** The event type of a test delivery: sent to one webhook on request, never published on the bus. */
export const TEST_EVENT_TYPE = 'webhook.test';

export interface WebhookDispatcher {
  counts(): DispatcherCounts;
  /**
   * Queues a `webhook.test` event for one webhook only (retried and logged like any delivery); returns the event
   * and the delivery id to find it in the delivery log.
   */
  sendTest(webhook: Webhook, actor: string): { event: ProductEvent; deliveryId: string };
  /** Stops delivering: aborts attempts in flight, logs what was still waiting as dropped. */
  stop(): Promise<void>;
}

/**
 * Delivers bus events to the webhooks subscribed to them, in the background: the publisher never waits. Each
 * attempt is a signed POST through the outbound guard (a receiver resolving to a forbidden address is refused and
 * not retried); failures are retried with exponential backoff up to WEBHOOK_MAX_ATTEMPTS; every
 * attempt and every drop is written to the delivery log. Pending deliveries live in memory only (bounded): a
 * restart loses them, the log keeps what happened.
 */
export function startWebhookDispatcher({ config, store, log, bus }: DispatcherOptions): WebhookDispatcher {
  const queue = new DeliveryQueue(config.WEBHOOK_QUEUE_PER_ENDPOINT, config.WEBHOOK_QUEUE_TOTAL, WEBHOOK_QUEUE_KEYS);
  const policy = new AddressPolicy(config.OUTBOUND_ALLOWED_NETWORKS);
  const retryPolicy = { baseMs: config.WEBHOOK_RETRY_BASE_MS, maxMs: config.WEBHOOK_RETRY_MAX_MS };
  const totals = { delivered: 0, failed: 0, dropped: 0 };
  const shutdown = new AbortController();
  const work = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;

  /** Runs a background task; its failure is logged, and stop() waits for it. */
  const track = (task: Promise<void>, what: string) => {
    const tracked = task.catch((err: unknown) => log.error(`webhooks: ${what} failed`, { error: String(err) }));
    work.add(tracked);
    void tracked.finally(() => work.delete(tracked));
  };

  const record = (
    d: PendingDelivery,
    result: DeliveryResult,
    outcome: Omit<AttemptOutcome, 'ok' | 'refused'>,
    startedAt = new Date(),
    nextRetryAt?: number,
  ) => {
    const row: DeliveryAttempt = {
      id: randomUUID(),
      webhookId: d.webhookId,
      deliveryId: d.id,
      eventId: d.event.id,
      eventType: d.event.type,
      attempt: d.attempts,
      time: startedAt.toISOString(),
      result,
      ...outcome,
      nextRetryAt: nextRetryAt === undefined ? null : new Date(nextRetryAt).toISOString(),
    };
    track(recordAttempt(store, row), 'writing the delivery log');
  };

  const drop = (d: PendingDelivery, reason: string) => {
    totals.dropped++;
    log.warn('webhook delivery dropped', { webhook: d.webhookId, event: d.event.id, reason });
    record(d, 'dropped', { httpStatus: null, error: reason, responseExcerpt: '', latencyMs: 0 });
  };

  const pump = () => {
    if (shutdown.signal.aborted) return;
    for (const d of queue.takeDue(Date.now())) track(attempt(d), 'a delivery attempt');
    clearTimeout(timer);
    const next = queue.nextDueAt();
    if (next !== undefined) timer = setTimeout(pump, Math.max(0, next - Date.now()));
  };

  const attempt = async (d: PendingDelivery) => {
    const webhook = await findWebhook(store, d.webhookId).catch((err: unknown) => {
      log.error('webhooks: cannot read the subscription; retrying later', { error: String(err) });
      return null;
    });
    if (webhook === undefined) {
      queue.remove(d); // the webhook was deleted: its pending deliveries are cancelled
      return pump();
    }
    if (webhook === null) {
      d.sending = false;
      d.dueAt = Date.now() + retryPolicy.baseMs;
      return pump();
    }
    d.attempts++;
    const body = JSON.stringify(d.event);
    const request = { url: webhook.url, secret: webhook.secret, body, eventType: d.event.type, deliveryId: d.id };
    const startedAt = new Date();
    const options = { timeoutMs: config.WEBHOOK_TIMEOUT_MS, signal: shutdown.signal, policy };
    const { ok, refused, ...outcome } = await sendWebhook(request, options);
    d.sending = false;
    if (ok || refused || d.attempts >= config.WEBHOOK_MAX_ATTEMPTS || shutdown.signal.aborted) {
      queue.remove(d);
      totals[ok ? 'delivered' : 'failed']++;
      record(d, ok ? 'delivered' : 'failed', outcome, startedAt);
    } else {
      d.dueAt = Date.now() + retryDelayMs(d.attempts, retryPolicy);
      record(d, 'retrying', outcome, startedAt, d.dueAt);
    }
    pump();
  };

  const enqueue = (webhookId: string, event: ProductEvent): string => {
    const delivery = { id: randomUUID(), webhookId, event, attempts: 0, dueAt: Date.now(), sending: false };
    for (const dropped of queue.add(delivery)) drop(dropped, 'queue full: oldest waiting delivery dropped');
    return delivery.id;
  };

  const fanOut = async (event: ProductEvent) => {
    const webhooks = await subscribersOf(store, event.type);
    if (shutdown.signal.aborted) return;
    for (const webhook of webhooks) enqueue(webhook.id, event);
    pump();
  };

  const unsubscribe = bus.subscribe((event) => track(fanOut(event), `fanning out ${event.type}`));

  return {
    counts: () => ({ pending: queue.size, ...totals }),
    sendTest: (webhook, actor) => {
      const event: ProductEvent = {
        id: `evt_${randomUUID()}`,
        type: TEST_EVENT_TYPE,
        time: new Date().toISOString(),
        data: {
          webhookId: webhook.id,
          url: webhook.url,
          requestedBy: actor,
          message: 'A test delivery from Tracelane.',
        },
      };
      const deliveryId = enqueue(webhook.id, event);
      pump();
      return { event, deliveryId };
    },
    stop: async () => {
      unsubscribe();
      shutdown.abort();
      clearTimeout(timer);
      while (work.size > 0) await Promise.all(work);
      for (const d of queue.drain()) drop(d, 'server shut down before delivery');
      await Promise.all(work);
    },
  };
}
