import type { ProductEvent } from '../events/event-bus.js';

/** One event on its way to one webhook, waiting for its first attempt or for a retry. */
export interface PendingDelivery {
  id: string;
  webhookId: string;
  event: ProductEvent;
  /** Attempts made so far. */
  attempts: number;
  /** Epoch milliseconds of the next attempt. */
  dueAt: number;
  /** An attempt is in flight (at most one per webhook). */
  sending: boolean;
}

/**
 * The deliveries held in memory, bounded per webhook and in total so that a dead endpoint cannot exhaust memory:
 * when a bound is reached the oldest waiting delivery is dropped (never one in flight) and handed back to the
 * caller, who records the drop. Each webhook sends one delivery at a time, the one due first.
 */
export class DeliveryQueue {
  private readonly byWebhook = new Map<string, PendingDelivery[]>();
  private count = 0;

  constructor(
    private readonly perWebhook: number,
    private readonly total: number,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Queues a delivery; returns the deliveries dropped to make room (the new one itself when all others are in flight). */
  add(delivery: PendingDelivery): PendingDelivery[] {
    const list = this.byWebhook.get(delivery.webhookId) ?? [];
    this.byWebhook.set(delivery.webhookId, list);
    list.push(delivery);
    this.count++;
    const dropped: PendingDelivery[] = [];
    if (list.length > this.perWebhook) dropped.push(this.dropOldest([list]));
    if (this.count > this.total) dropped.push(this.dropOldest([...this.byWebhook.values()]));
    return dropped;
  }

  remove(delivery: PendingDelivery): void {
    const list = this.byWebhook.get(delivery.webhookId);
    const index = list?.indexOf(delivery) ?? -1;
    if (!list || index === -1) return;
    list.splice(index, 1);
    this.count--;
    if (list.length === 0) this.byWebhook.delete(delivery.webhookId);
  }

  /** Marks as sending and returns, per webhook with nothing in flight, the delivery due first if it is due. */
  takeDue(now: number): PendingDelivery[] {
    const due: PendingDelivery[] = [];
    for (const list of this.byWebhook.values()) {
      const next = firstDue(list);
      if (next && next.dueAt <= now) {
        next.sending = true;
        due.push(next);
      }
    }
    return due;
  }

  /** When the next attempt falls due, over webhooks with nothing in flight; undefined when nothing waits. */
  nextDueAt(): number | undefined {
    let earliest: number | undefined;
    for (const list of this.byWebhook.values()) {
      const next = firstDue(list);
      if (next && (earliest === undefined || next.dueAt < earliest)) earliest = next.dueAt;
    }
    return earliest;
  }

  /** Empties the queue (shutdown) and returns what was waiting. */
  drain(): PendingDelivery[] {
    const all = [...this.byWebhook.values()].flat();
    this.byWebhook.clear();
    this.count = 0;
    return all;
  }

  /**
   * Removes the oldest waiting delivery across `lists` (each in arrival order). There always is one: the delivery
   * just added waits, and only it can have pushed a list or the total over its bound.
   */
  private dropOldest(lists: PendingDelivery[][]): PendingDelivery {
    let oldest: PendingDelivery | undefined;
    for (const list of lists) {
      const candidate = list.find((d) => !d.sending);
      if (candidate && (!oldest || candidate.event.time < oldest.event.time)) oldest = candidate;
    }
    if (!oldest) throw new Error('delivery queue: nothing to drop');
    this.remove(oldest);
    return oldest;
  }
}

/** The delivery of a webhook to attempt next, or undefined when one is in flight or none waits. */
function firstDue(list: readonly PendingDelivery[]): PendingDelivery | undefined {
  if (list.some((d) => d.sending)) return undefined;
  let first: PendingDelivery | undefined;
  for (const d of list) if (!first || d.dueAt < first.dueAt) first = d;
  return first;
}
