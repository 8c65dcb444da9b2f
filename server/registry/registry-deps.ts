import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';

/** What registry services need: the store, the event bus they publish to, a logger. */
export interface RegistryDeps {
  store: Store;
  bus: EventBus;
  log: Logger;
}

/** Publishes a product event; a failing subscriber is logged and never fails the write that already happened. */
export function publish(deps: RegistryDeps, type: string, data: object): void {
  try {
    deps.bus.publish(type, { ...data });
  } catch (err) {
    deps.log.error('event subscriber failed', { type, error: err instanceof Error ? err.message : String(err) });
  }
}
