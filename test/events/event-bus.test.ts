import { describe, expect, it } from 'vitest';
import { EventBus } from '../../server/events/event-bus.js';

describe('EventBus', () => {
  it('gives every event a unique id and its time, and hands it to subscribers', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    const unsubscribe = bus.subscribe((e) => seen.push(e.id));
    const a = bus.publish('deployment.created', { prompt: 'p' });
    const b = bus.publish('deployment.created', { prompt: 'p' });
    unsubscribe();
    bus.publish('deployment.created', {});
    expect(a.id).toMatch(/^evt_[0-9a-f-]{36}$/);
    expect(a.id).not.toBe(b.id);
    expect(Date.parse(a.time)).not.toBeNaN();
    expect(seen).toEqual([a.id, b.id]);
  });

  it('replays the events after a known id, and answers undefined once that id left the window', () => {
    const bus = new EventBus(3);
    const [e1, e2, e3, e4] = [1, 2, 3, 4].map((n) => bus.publish('deployment.created', { n }));
    expect(bus.eventsAfter(e2!.id)?.map((e) => e.data.n)).toEqual([3, 4]);
    expect(bus.eventsAfter(e4!.id)).toEqual([]);
    expect(bus.eventsAfter(e1!.id)).toBeUndefined(); // evicted: the window holds 3
    expect(bus.eventsAfter('evt_unknown')).toBeUndefined();
    expect(e3).toBeDefined();
  });

  it('tells close listeners once, and not those that left', () => {
    const bus = new EventBus();
    let stayed = 0;
    let left = 0;
    bus.onClose(() => stayed++);
    const leave = bus.onClose(() => left++);
    leave();
    bus.close();
    bus.close();
    expect([stayed, left]).toEqual([1, 0]);
  });
});
