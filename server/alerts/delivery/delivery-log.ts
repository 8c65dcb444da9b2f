import type { Store } from '../../store/store.js';
import type { AlertMessage } from '../message/alert-message.js';

/**
 * alert_deliveries: `queued` when a message is handed to a channel (with the message, so a restart resumes it),
 * then one row per attempt: delivered | retrying | failed (given up) | dropped (queue full).
 */
export type AlertDeliveryResult = 'queued' | 'delivered' | 'retrying' | 'failed' | 'dropped';

export interface AlertDeliveryRow {
  id: string;
  deliveryId: string;
  alertId: string;
  alertSeq: number;
  channelId: string;
  channelType: string;
  attempt: number;
  time: string;
  result: AlertDeliveryResult;
  httpStatus: number | null;
  error: string;
  responseExcerpt: string;
  latencyMs: number;
  nextRetryAt: string | null;
}

interface Row {
  id: string;
  delivery_id: string;
  alert_id: string;
  alert_seq: number;
  channel_id: string;
  channel_type: string;
  attempt: number;
  time: string;
  result: string;
  http_status: number | null;
  error: string;
  response_excerpt: string;
  latency_ms: number;
  next_retry_at: string | null;
  message: string;
}

const COLUMNS =
  'id, delivery_id, alert_id, alert_seq, channel_id, channel_type, attempt, time, result, http_status, error, response_excerpt, latency_ms, next_retry_at';

const fromRow = (r: Omit<Row, 'message'>): AlertDeliveryRow => ({
  id: r.id,
  deliveryId: r.delivery_id,
  alertId: r.alert_id,
  alertSeq: r.alert_seq,
  channelId: r.channel_id,
  channelType: r.channel_type,
  attempt: r.attempt,
  time: r.time,
  result: r.result as AlertDeliveryResult,
  httpStatus: r.http_status,
  error: r.error,
  responseExcerpt: r.response_excerpt,
  latencyMs: r.latency_ms,
  nextRetryAt: r.next_retry_at,
});

export async function recordDelivery(store: Store, d: AlertDeliveryRow, message?: AlertMessage): Promise<void> {
  const row: Row = {
    id: d.id,
    delivery_id: d.deliveryId,
    alert_id: d.alertId,
    alert_seq: d.alertSeq,
    channel_id: d.channelId,
    channel_type: d.channelType,
    attempt: d.attempt,
    time: d.time,
    result: d.result,
    http_status: d.httpStatus,
    error: d.error,
    response_excerpt: d.responseExcerpt,
    latency_ms: d.latencyMs,
    next_retry_at: d.nextRetryAt,
    message: message ? JSON.stringify(message) : '',
  };
  await store.insert('alert_deliveries', [row]);
}

export interface DeliveryFilter {
  alertId?: string | undefined;
  channelId?: string | undefined;
  limit: number;
}

/** The delivery log, newest first. */
export async function listAlertDeliveries(store: Store, filter: DeliveryFilter): Promise<AlertDeliveryRow[]> {
  const rows = await store.query<Omit<Row, 'message'>>(
    `SELECT ${COLUMNS} FROM alert_deliveries
     WHERE ({alertId:String} = '' OR alert_id = {alertId:String})
       AND ({channelId:String} = '' OR channel_id = {channelId:String})
     ORDER BY time DESC, attempt DESC, id DESC LIMIT {limit:UInt32}`,
    { alertId: filter.alertId ?? '', channelId: filter.channelId ?? '', limit: filter.limit },
  );
  return rows.map(fromRow);
}

/** The channels an alert's messages were handed to (its resolution goes to the same ones). */
export async function channelsNotified(store: Store, alertId: string): Promise<string[]> {
  const rows = await store.query<{ channel_id: string }>(
    `SELECT DISTINCT channel_id FROM alert_deliveries WHERE alert_id = {alertId:String} AND result = 'queued'`,
    { alertId },
  );
  return rows.map((r) => r.channel_id);
}

export interface UnfinishedDelivery {
  id: string;
  channelId: string;
  channelType: string;
  alertSeq: number;
  attempts: number;
  dueAt: number;
  message: AlertMessage;
}

/** Deliveries whose latest row is `queued` or `retrying` (the server stopped before they ended), oldest first. */
export async function unfinishedDeliveries(store: Store, since: number): Promise<UnfinishedDelivery[]> {
  const rows = await store.query<{
    delivery_id: string;
    channel_id: string;
    channel_type: string;
    alert_seq: number;
    attempts: number;
    next_retry_at: string | null;
    queued_at: string;
    message: string;
  }>(
    `SELECT delivery_id, any(channel_id) AS channel_id, any(channel_type) AS channel_type,
            any(alert_seq) AS alert_seq, max(attempt) AS attempts,
            argMax(next_retry_at, (time, attempt)) AS next_retry_at, min(time) AS queued_at,
            anyIf(message, result = 'queued') AS message
     FROM alert_deliveries WHERE time >= fromUnixTimestamp64Milli({since:Int64})
     GROUP BY delivery_id
     HAVING argMax(result, (time, attempt)) IN ('queued', 'retrying') AND message != ''
     ORDER BY queued_at`,
    { since },
  );
  return rows.map((r) => ({
    id: r.delivery_id,
    channelId: r.channel_id,
    channelType: r.channel_type,
    alertSeq: r.alert_seq,
    attempts: r.attempts,
    dueAt: r.next_retry_at === null ? Date.parse(r.queued_at) : Date.parse(r.next_retry_at),
    message: JSON.parse(r.message) as AlertMessage,
  }));
}
