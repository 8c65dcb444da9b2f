import { describe, expect, it } from 'vitest';
import { DeliveryQueue, WEBHOOK_QUEUE_KEYS, type PendingDelivery } from '../../server/webhooks/delivery-queue.js';

let seq = 0;
const delivery = (webhookId: string, dueAt = 0): PendingDelivery => {
  seq++;
  const time = new Date(Date.UTC(2026, 0, 1) + seq).toISOString();
  return {
    id: `d${seq}`,
    webhookId,
    event: { id: `e${seq}`, type: 't', time, data: {} },
    attempts: 0,
    dueAt,
    sending: false,
  };
};

describe('DeliveryQueue', () => {
  it('drops the oldest waiting delivery of a webhook past its bound', () => {
    const q = new DeliveryQueue(2, 100, WEBHOOK_QUEUE_KEYS);
    const [a, b, c] = [delivery('w1'), delivery('w1'), delivery('w1')];
    expect(q.add(a)).toEqual([]);
    expect(q.add(b)).toEqual([]);
    expect(q.add(c)).toEqual([a]);
    expect(q.size).toBe(2);
  });

  it('never drops the delivery in flight; drops the next oldest instead', () => {
    const q = new DeliveryQueue(2, 100, WEBHOOK_QUEUE_KEYS);
    const [a, b, c] = [delivery('w1'), delivery('w1'), delivery('w1')];
    q.add(a);
    q.add(b);
    expect(q.takeDue(Date.now())).toEqual([a]);
    expect(q.add(c)).toEqual([b]);
  });

  it('drops the new delivery when everything else is in flight', () => {
    const q = new DeliveryQueue(1, 100, WEBHOOK_QUEUE_KEYS);
    const [a, b] = [delivery('w1'), delivery('w1')];
    q.add(a);
    q.takeDue(Date.now());
    expect(q.add(b)).toEqual([b]);
    expect(q.size).toBe(1);
  });

  it('bounds the total across webhooks by dropping the oldest anywhere', () => {
    const q = new DeliveryQueue(10, 3, WEBHOOK_QUEUE_KEYS);
    const [a, b, c, d] = [delivery('w1'), delivery('w2'), delivery('w1'), delivery('w3')];
    for (const x of [a, b, c]) expect(q.add(x)).toEqual([]);
    expect(q.add(d)).toEqual([a]);
    expect(q.size).toBe(3);
  });

  it('sends one delivery per webhook at a time, the one due first, and only when due', () => {
    const q = new DeliveryQueue(10, 10, WEBHOOK_QUEUE_KEYS);
    const later = delivery('w1', 2000);
    const sooner = delivery('w1', 1000);
    const other = delivery('w2', 5000);
    [later, sooner, other].forEach((d) => q.add(d));
    expect(q.nextDueAt()).toBe(1000);
    expect(q.takeDue(500)).toEqual([]);
    expect(q.takeDue(1500)).toEqual([sooner]);
    expect(q.nextDueAt()).toBe(5000); // w1 is busy until its attempt ends
    sooner.sending = false;
    q.remove(sooner);
    expect(q.takeDue(6000)).toEqual([later, other]);
  });

  it('drains everything at shutdown', () => {
    const q = new DeliveryQueue(10, 10, WEBHOOK_QUEUE_KEYS);
    q.add(delivery('w1'));
    q.add(delivery('w2'));
    expect(q.drain()).toHaveLength(2);
    expect(q.size).toBe(0);
    expect(q.nextDueAt()).toBeUndefined();
  });
});
