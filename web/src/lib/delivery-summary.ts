import type { AlertDeliveryRow, AlertStep } from './api-types.js';

/** One message to one channel, summed up from its rows in the delivery log: where it stands and after how many tries. */
export interface DeliverySummary {
  deliveryId: string;
  channelId: string;
  channelType: string;
  /** The alert step it announced (`fired`, `resolved`, …), or `test`. */
  step: string;
  queuedAt: string;
  result: AlertDeliveryRow['result'];
  attempts: number;
  /** The last error or answer. */
  detail: string;
}

/** Groups delivery-log rows (any order) by delivery, newest message first. */
export function summarizeDeliveries(rows: readonly AlertDeliveryRow[], steps: readonly AlertStep[]): DeliverySummary[] {
  const byDelivery = new Map<string, AlertDeliveryRow[]>();
  for (const row of rows) byDelivery.set(row.deliveryId, [...(byDelivery.get(row.deliveryId) ?? []), row]);
  const stepKind = new Map(steps.map((s) => [s.seq, s.kind as string]));
  return [...byDelivery.values()]
    .map((group) => {
      const ordered = [...group].sort((a, b) => a.attempt - b.attempt || a.time.localeCompare(b.time));
      const first = ordered[0] as AlertDeliveryRow;
      const last = ordered[ordered.length - 1] as AlertDeliveryRow;
      return {
        deliveryId: first.deliveryId,
        channelId: first.channelId,
        channelType: first.channelType,
        step: stepKind.get(first.alertSeq) ?? 'test',
        queuedAt: first.time,
        result: last.result,
        attempts: last.attempt,
        detail: last.error || last.responseExcerpt,
      };
    })
    .sort((a, b) => b.queuedAt.localeCompare(a.queuedAt));
}
