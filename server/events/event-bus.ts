import { EventEmitter } from 'node:events';

/**
 * In-process publish/subscribe for product events (deployment moves, regression verdicts). The registry and the
 * analysis loop publish; the SSE stream and the webhook dispatcher subscribe. `type` is the public event name,
 * e.g. `deployment.created` or `regression.detected`; `data` is the JSON the API returns for the object.
 */
export interface ProductEvent {
  type: string;
  time: string;
  data: Record<string, unknown>;
}

export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(type: string, data: Record<string, unknown>): ProductEvent {
    const event = { type, time: new Date().toISOString(), data };
    this.emitter.emit('event', event);
    return event;
  }

  subscribe(listener: (event: ProductEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
