import { api, eventsUrl } from './api.js';
import { Coalescer } from './coalescer.js';

/**
 * The live event stream (`GET /api/v1/events`, server-sent events). One EventSource for the whole app; pages
 * subscribe to the event types they show and reload their data when one arrives. It opens with a short-lived
 * stream token. EventSource reconnects by itself after a network error (and replays missed events by
 * Last-Event-ID); when the server refuses it (the token expired, the server restarted) it gives up, so a new token
 * is fetched and the stream reopened from the last event seen. `stream.reset` means events were missed and
 * everything reloads.
 */
export const LIVE_TYPES = [
  'deployment.created',
  'deployment_request.created',
  'deployment_request.approved',
  'deployment_request.rejected',
  'regression.detected',
  'analysis.updated',
  'alert.firing',
  'alert.acknowledged',
  'alert.resolved',
  'change.detected',
  'experiment.started',
  'experiment.progress',
  'experiment.finished',
  'draft.saved',
  'draft.discarded',
  'draft.published',
  'stream.reset',
] as const;

export type LiveType = (typeof LIVE_TYPES)[number];

export interface LiveEvent {
  type: LiveType;
  data: Record<string, unknown>;
}

type Listener = (event: LiveEvent) => void;

/** Wait before asking for a new token after the stream was refused or the token request failed. */
const RETRY_MS = 3000;

class Live {
  connected = $state(false);
  private source: EventSource | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private lastEventId: string | undefined;
  /** Bumped by connect() and disconnect(), so an older connection attempt still under way gives up. */
  private generation = 0;
  private readonly listeners = new Set<Listener>();

  /** Opens the stream (again, e.g. after signing in with another key). */
  connect(): void {
    this.close();
    this.lastEventId = undefined;
    void this.open(++this.generation);
  }

  disconnect(): void {
    this.generation++;
    this.close();
    this.connected = false;
  }

  private async open(generation: number): Promise<void> {
    let token: string;
    try {
      token = (await api.streamToken()).token;
    } catch {
      return this.reopenLater(generation);
    }
    if (generation !== this.generation) return;
    const source = new EventSource(eventsUrl(token, this.lastEventId));
    source.onopen = () => (this.connected = true);
    source.onerror = () => {
      this.connected = source.readyState === EventSource.OPEN;
      if (source.readyState === EventSource.CLOSED) this.reopenLater(generation);
    };
    for (const type of LIVE_TYPES) {
      source.addEventListener(type, (message) => {
        if (message.lastEventId) this.lastEventId = message.lastEventId;
        this.dispatch(type, String(message.data));
      });
    }
    this.source = source;
  }

  private reopenLater(generation: number): void {
    if (generation !== this.generation) return;
    this.close();
    this.retry = setTimeout(() => void this.open(generation), RETRY_MS);
  }

  private close(): void {
    clearTimeout(this.retry);
    this.source?.close();
    this.source = undefined;
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

  /**
   * Calls `reload` when events of the given types arrive (those `about` accepts, and `stream.reset`), coalesced to
   * at most one call per few seconds however many arrive: a page's requests never grow with the number of events.
   * Returns the unsubscribe function (use in $effect).
   */
  reloadOn(types: readonly LiveType[], reload: () => void, about: (event: LiveEvent) => boolean = () => true) {
    const coalescer = new Coalescer(() => reload());
    const off = this.on(types, (event) => {
      if (event.type === 'stream.reset' || about(event)) coalescer.touch('reload');
    });
    return () => {
      off();
      coalescer.cancel();
    };
  }
}

export const live = new Live();
