import { TracelaneError, backoffMs, linked, sleep, type Http, type Linked } from './http.js';
import type { ProductEvent } from './wire.js';

export interface EventStreamHandlers {
  onEvent(event: ProductEvent): void;
  /** After every (re)connection, and when the server says events were missed (`stream.reset`): catch up. */
  onSync?(): void;
  /** The connection dropped (error null: the server ended it). */
  onDisconnect?(error: TracelaneError | null): void;
  /** The first failure of a run of failed connection attempts. */
  onError?(error: TracelaneError): void;
}

const RECONNECT_BASE_MS = 500;
const RECONNECT_MAX_MS = 30_000;
/** No byte for this long (the server sends a heartbeat every 15 s by default): the connection is dead. */
const SILENCE_MS = 60_000;

/**
 * Follows `GET /api/v1/events` (server-sent events) with the API key in the Authorization header, reconnecting
 * with backoff and `Last-Event-ID` so that the server replays what was missed. Works wherever `fetch` streams
 * response bodies (Node ≥ 20, browsers).
 */
export class EventStream {
  private lastEventId: string | undefined;
  private connectedNow = false;
  private readonly stopped: Linked;

  constructor(
    private readonly http: Http,
    private readonly types: readonly string[],
    private readonly handlers: EventStreamHandlers,
    signal: AbortSignal,
  ) {
    this.stopped = linked(signal);
    void this.run();
  }

  get connected(): boolean {
    return this.connectedNow;
  }

  stop(): void {
    this.stopped.abort();
    this.stopped.release();
  }

  private async run(): Promise<void> {
    for (let failures = 0; !this.stopped.signal.aborted;) {
      const connection = linked(this.stopped.signal);
      let error: TracelaneError | null = null;
      try {
        const query = this.types.length > 0 ? `?types=${this.types.map(encodeURIComponent).join(',')}` : '';
        const headers = {
          accept: 'text/event-stream',
          ...(this.lastEventId ? { 'last-event-id': this.lastEventId } : {}),
        };
        const res = await this.http.open(`/api/v1/events${query}`, headers, connection);
        failures = 0;
        this.connectedNow = true;
        this.handlers.onSync?.();
        await this.read(res.body as ReadableStream<Uint8Array>, connection);
      } catch (caught) {
        error = caught instanceof TracelaneError ? caught : new TracelaneError(`event stream: ${String(caught)}`);
      }
      connection.abort();
      connection.release();
      if (this.stopped.signal.aborted) break;
      if (this.connectedNow) {
        this.connectedNow = false;
        this.handlers.onDisconnect?.(error);
      } else if (failures++ === 0 && error) {
        this.handlers.onError?.(error);
      }
      await sleep(backoffMs(failures, RECONNECT_BASE_MS, RECONNECT_MAX_MS), this.stopped.signal);
    }
    this.connectedNow = false;
  }

  /** Reads messages until the stream ends; a silent connection is aborted (and reconnected by the caller). */
  private async read(body: ReadableStream<Uint8Array>, connection: Linked): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let watchdog = setTimeout(() => connection.abort(), SILENCE_MS);
    const message: Message = { event: '', data: [] };
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        clearTimeout(watchdog);
        watchdog = setTimeout(() => connection.abort(), SILENCE_MS);
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
          const line = buffer.slice(0, end).replace(/\r$/, '');
          buffer = buffer.slice(end + 1);
          this.line(line, message);
        }
      }
    } finally {
      clearTimeout(watchdog);
      reader.releaseLock();
    }
  }

  /** One line of the text/event-stream format: a field, a comment, or the blank line that ends a message. */
  private line(line: string, message: Message): void {
    if (line === '') return this.dispatch(message);
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    else if (field === 'event') message.event = value;
    else if (field === 'data') message.data.push(value);
  }

  private dispatch(message: Message): void {
    const { event, data } = message;
    message.event = '';
    message.data = [];
    if (event === 'stream.reset') return this.handlers.onSync?.();
    if (data.length === 0) return;
    let parsed: ProductEvent;
    try {
      parsed = JSON.parse(data.join('\n')) as ProductEvent;
    } catch {
      return; // not an event of this API (a proxy's keep-alive): ignored
    }
    this.handlers.onEvent(parsed);
  }
}

interface Message {
  event: string;
  data: string[];
}
