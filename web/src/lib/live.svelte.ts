import { eventsUrl } from './api.js';

/**
 * The live event stream (`GET /api/v1/events`, server-sent events). One EventSource for the whole app; pages
 * subscribe to the event types they show and reload their data when one arrives. EventSource reconnects by itself
 * (and replays missed events by Last-Event-ID); `stream.reset` means events were missed and everything reloads.
 */
export const LIVE_TYPES = [
  'deployment.created',
  'deployment_request.created',
  'deployment_request.approved',
  'deployment_request.rejected',
  'regression.detected',
  'analysis.updated',
  'targeting.updated',
  'ab_test.updated',
  'stream.reset',
] as const;

export type LiveType = (typeof LIVE_TYPES)[number];

export interface LiveEvent {
  type: LiveType;
  data: Record<string, unknown>;
}

type Listener = (event: LiveEvent) => void;

class Live {
  connected = $state(false);
  private source: EventSource | undefined;
  private readonly listeners = new Set<Listener>();

  /** Opens the stream (again, e.g. after signing in with another key). */
  connect(): void {
    this.source?.close();
    const source = new EventSource(eventsUrl());
    source.onopen = () => (this.connected = true);
    source.onerror = () => (this.connected = source.readyState === EventSource.OPEN);
    for (const type of LIVE_TYPES) {
      source.addEventListener(type, (message) => this.dispatch(type, String(message.data)));
    }
    this.source = source;
  }

  disconnect(): void {
    this.source?.close();
    this.source = undefined;
    this.connected = false;
  }

  private dispatch(type: LiveType, text: string): void {
    let data: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(text) as Record<string, unknown> & { data?: Record<string, unknown> };
      data = parsed.data ?? parsed;
    } catch {
      // a malformed event still tells listeners to reload
    }
    for (const listener of this.listeners) listener({ type, data });
  }

  /** Calls `listener` for events of the given types; returns the unsubscribe function (use in $effect). */
  on(types: readonly LiveType[], listener: Listener): () => void {
    const filtered: Listener = (event) => {
      if (event.type === 'stream.reset' || types.includes(event.type)) listener(event);
    };
    this.listeners.add(filtered);
    return () => this.listeners.delete(filtered);
  }
}

export const live = new Live();
