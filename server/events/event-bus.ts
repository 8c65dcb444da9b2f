import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

/**
 * In-process publish/subscribe for product events (deployment moves, regression verdicts). The registry and the
 * analysis loop publish; the SSE stream and the webhook dispatcher subscribe. `type` is the public event name,
 * e.g. `deployment.created` or `regression.detected`; `data` is the JSON the API returns for the object.
 *
 * Every event gets a unique `id` (`evt_…`), the SSE `id:` and the webhook body's `id`, which receivers use to
 * de-duplicate. The bus keeps the last `replaySize` events so a reconnecting SSE client can catch up
 * (`Last-Event-ID`); older events are gone — the bus is memory only.
 */
export interface ProductEvent {
  id: string;
  type: string;
  time: string;
  data: Record<string, unknown>;
}

/** How many recent events the bus keeps for SSE replay. */
export const DEFAULT_REPLAY_SIZE = 1000;

export class EventBus {
  private readonly emitter = new EventEmitter();
  private readonly recentEvents: ProductEvent[] = [];

  constructor(private readonly replaySize = DEFAULT_REPLAY_SIZE) {
    this.emitter.setMaxListeners(0);
  }

  publish(type: string, data: Record<string, unknown>): ProductEvent {
    const event = { id: `evt_${randomUUID()}`, type, time: new Date().toISOString(), data };
    this.recentEvents.push(event);
    if (this.recentEvents.length > this.replaySize) this.recentEvents.shift();
    this.emitter.emit('event', event);
    return event;
  }

  subscribe(listener: (event: ProductEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  /**
   * The events published after the one with `id`, oldest first; `undefined` when that event is no longer (or was
   * never) in the replay window, so the caller cannot know what it missed.
   */
  eventsAfter(id: string): ProductEvent[] | undefined {
    const index = this.recentEvents.findIndex((e) => e.id === id);
    return index === -1 ? undefined : this.recentEvents.slice(index + 1);
  }

  /** Called once when the bus closes (shutdown): long-lived subscribers such as SSE streams end themselves. */
  onClose(listener: () => void): () => void {
    this.emitter.once('close', listener);
    return () => this.emitter.off('close', listener);
  }

  close(): void {
    this.emitter.emit('close');
  }
}
