import type { Store } from '../store/store.js';

/**
 * What became of one attempt: `delivered` (2xx), `retrying` (failed, another attempt at `nextRetryAt`), `failed`
 * (failed and given up), `dropped` (removed unsent from a full queue).
 */
export type DeliveryResult = 'delivered' | 'retrying' | 'failed' | 'dropped';

/** One row of a webhook's delivery log, as the API returns it. */
export interface DeliveryAttempt {
  id: string;
  webhookId: string;
  /** Groups the attempts of one event to one webhook. */
  deliveryId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  time: string;
  result: DeliveryResult;
  httpStatus: number | null;
  error: string;
  /** The start of the receiver's response body. */
  responseExcerpt: string;
  latencyMs: number;
  nextRetryAt: string | null;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  delivery_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  time: string;
  result: DeliveryResult;
  http_status: number | null;
  error: string;
  response_excerpt: string;
  latency_ms: number;
  next_retry_at: string | null;
}

export async function recordAttempt(store: Store, a: DeliveryAttempt): Promise<void> {
  const row: DeliveryRow = {
    id: a.id,
    webhook_id: a.webhookId,
    delivery_id: a.deliveryId,
    event_id: a.eventId,
    event_type: a.eventType,
    attempt: a.attempt,
    time: a.time,
    result: a.result,
    http_status: a.httpStatus,
    error: a.error,
    response_excerpt: a.responseExcerpt,
    latency_ms: a.latencyMs,
    next_retry_at: a.nextRetryAt,
  };
  await store.insert('webhook_deliveries', [row]);
}

/** The latest attempts of one webhook, newest first. */
export async function listDeliveries(store: Store, webhookId: string, limit: number): Promise<DeliveryAttempt[]> {
  const rows = await store.query<DeliveryRow>(
    `SELECT id, webhook_id, delivery_id, event_id, event_type, attempt, time, result, http_status, error,
            response_excerpt, latency_ms, next_retry_at
     FROM webhook_deliveries WHERE webhook_id = {webhookId:String}
     ORDER BY time DESC, attempt DESC, id DESC LIMIT {limit:UInt32}`,
    { webhookId, limit },
  );
  return rows.map((r) => ({
    id: r.id,
    webhookId: r.webhook_id,
    deliveryId: r.delivery_id,
    eventId: r.event_id,
    eventType: r.event_type,
    attempt: r.attempt,
    time: r.time,
    result: r.result,
    httpStatus: r.http_status,
    error: r.error,
    responseExcerpt: r.response_excerpt,
    latencyMs: r.latency_ms,
    nextRetryAt: r.next_retry_at,
  }));
}
