import type { ProductEvent } from '../events/event-bus.js';

/** What the queue needs of every delivery it holds, whatever it carries. */
export interface QueuedDelivery {
  id: string;
  /** Attempts made so far. */
  attempts: number;
  /** Epoch milliseconds of the next attempt. */
  dueAt: number;
  /** An attempt is in flight (at most one per target). */
  sending: boolean;
}

/** One event on its way to one webhook, waiting for its first attempt or for a retry. */
export interface PendingDelivery extends QueuedDelivery {
  webhookId: string;
  event: ProductEvent;
}

/** How a queue groups its deliveries (one target sends one at a time) and tells the oldest (ISO time). */
export interface QueueKeys<T> {
  targetOf(delivery: T): string;
  ageOf(delivery: T): string;
}

export const WEBHOOK_QUEUE_KEYS: QueueKeys<PendingDelivery> = {
  targetOf: (d) => d.webhookId,
  ageOf: (d) => d.event.time,
};

/**
 * The deliveries held in memory, bounded per target (a webhook, an alert channel) and in total so that a dead
 * endpoint cannot exhaust memory: when a bound is reached the oldest waiting delivery is dropped (never one in
 * flight) and handed back to the caller, who records the drop. Each target sends one delivery at a time, the one
 * due first, so a slow target never delays another.
 */
export class DeliveryQueue<T extends QueuedDelivery> {
  private readonly byTarget = new Map<string, T[]>();
  private count = 0;

  constructor(
    private readonly perTarget: number,
    private readonly total: number,
    private readonly keys: QueueKeys<T>,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Queues a delivery; returns the deliveries dropped to make room (the new one itself when all others are in flight). */
  add(delivery: T): T[] {
    const target = this.keys.targetOf(delivery);
    const list = this.byTarget.get(target) ?? [];
    this.byTarget.set(target, list);
    list.push(delivery);
    this.count++;
    const dropped: T[] = [];
    if (list.length > this.perTarget) dropped.push(this.dropOldest([list]));
    if (this.count > this.total) dropped.push(this.dropOldest([...this.byTarget.values()]));
    return dropped;
  }

  remove(delivery: T): void {
    const target = this.keys.targetOf(delivery);
    const list = this.byTarget.get(target);
    const index = list?.indexOf(delivery) ?? -1;
    if (!list || index === -1) return;
    list.splice(index, 1);
    this.count--;
    if (list.length === 0) this.byTarget.delete(target);
  }

  /** Marks as sending and returns, per target with nothing in flight, the delivery due first if it is due. */
  takeDue(now: number): T[] {
    const due: T[] = [];
    for (const list of this.byTarget.values()) {
      const next = firstDue(list);
      if (next && next.dueAt <= now) {
        next.sending = true;
        due.push(next);
      }
    }
    return due;
  }

  /** When the next attempt falls due, over targets with nothing in flight; undefined when nothing waits. */
  nextDueAt(): number | undefined {
    let earliest: number | undefined;
    for (const list of this.byTarget.values()) {
      const next = firstDue(list);
      if (next && (earliest === undefined || next.dueAt < earliest)) earliest = next.dueAt;
    }
    return earliest;
  }

  /** Empties the queue (shutdown) and returns what was waiting. */
  drain(): T[] {
    const all = [...this.byTarget.values()].flat();
    this.byTarget.clear();
    this.count = 0;
    return all;
  }

  /**
   * Removes the oldest waiting delivery across `lists` (each in arrival order). There always is one: the delivery
   * just added waits, and only it can have pushed a list or the total over its bound.
   */
  private dropOldest(lists: T[][]): T {
    let oldest: T | undefined;
    for (const list of lists) {
      const candidate = list.find((d) => !d.sending);
      if (candidate && (!oldest || this.keys.ageOf(candidate) < this.keys.ageOf(oldest))) oldest = candidate;
    }
    if (!oldest) throw new Error('delivery queue: nothing to drop');
    this.remove(oldest);
    return oldest;
  }
}

/** The delivery of a target to attempt next, or undefined when one is in flight or none waits. */
function firstDue<T extends QueuedDelivery>(list: readonly T[]): T | undefined {
  if (list.some((d) => d.sending)) return undefined;
  let first: T | undefined;
  for (const d of list) if (!first || d.dueAt < first.dueAt) first = d;
  return first;
}
