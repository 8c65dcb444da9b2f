import { untrack } from 'svelte';
import type { ApiError } from './api-error.js';

/**
 * Data a component loads from the API, re-fetched whenever the reactive values its loader reads change
 * (URL parameters, props). Keeps the previous data while re-loading so charts do not flicker.
 * Create it during component initialisation (it owns an effect).
 */
export type ResourceState<T> =
  | { status: 'loading' }
  | { status: 'ready'; data: T; refreshing: boolean }
  | { status: 'error'; error: ApiError | Error };

export class Resource<T> {
  /** Replaced whole, never mutated: raw state, so large answers are not deep-proxied (and charts get plain arrays). */
  state = $state.raw<ResourceState<T>>({ status: 'loading' });
  private generation = $state(0);

  constructor(load: (signal: AbortSignal) => Promise<T>) {
    $effect(() => {
      void this.generation;
      const controller = new AbortController();
      const previous = untrack(() => this.state);
      this.state = previous.status === 'ready' ? { ...previous, refreshing: true } : { status: 'loading' };
      load(controller.signal).then(
        (data) => {
          if (!controller.signal.aborted) this.state = { status: 'ready', data, refreshing: false };
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          this.state = { status: 'error', error: error instanceof Error ? error : new Error(String(error)) };
        },
      );
      return () => controller.abort();
    });
  }

  /** The loaded data, or undefined while loading or after an error. */
  get data(): T | undefined {
    return this.state.status === 'ready' ? this.state.data : undefined;
  }

  /** Loads again (after an action, or when a live event says the data changed). */
  reload(): void {
    this.generation += 1;
  }
}
