import type { Response } from 'express';
import type { EventBus, ProductEvent } from './event-bus.js';

/** A stream whose client reads slower than this many buffered bytes is closed; it reconnects and replays. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Tells EventSource clients how long to wait before reconnecting. */
const RETRY_MS = 3000;

export interface StreamOptions {
  bus: EventBus;
  /** Event types to send; empty: all. */
  types: ReadonlySet<string>;
  /** The client's `Last-Event-ID`: events after it are replayed first. */
  lastEventId: string | undefined;
  heartbeatMs: number;
  onSlowClient: () => void;
}

/** The wire form of one event: `id`, `event` and one `data` line holding the event JSON. */
export function formatEvent(event: ProductEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Serves one server-sent-events connection: replays what the client missed (or sends `stream.reset` when the
 * replay window no longer holds its last event), then every published event, with heartbeat comments between.
 * Ends when the client goes, when the client falls too far behind, or when the bus closes at shutdown.
 */
export function serveEventStream(res: Response, options: StreamOptions): void {
  const { bus, types } = options;
  const wanted = (event: ProductEvent) => types.size === 0 || types.has(event.type);
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  const write = (chunk: string) => {
    if (res.writableEnded) return;
    res.write(chunk);
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      options.onSlowClient();
      res.end();
    }
  };
  const send = (event: ProductEvent) => {
    if (wanted(event)) write(formatEvent(event));
  };
  write(`retry: ${RETRY_MS}\n: connected\n\n`);

  if (options.lastEventId !== undefined) {
    const missed = bus.eventsAfter(options.lastEventId);
    if (missed === undefined) write(formatReset(options.lastEventId));
    else missed.forEach(send);
  }
  const unsubscribe = bus.subscribe(send);
  const stopOnClose = bus.onClose(() => res.end());
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), options.heartbeatMs);
  res.on('close', () => {
    unsubscribe();
    stopOnClose();
    clearInterval(heartbeat);
  });
}

/** Sent when the client's last event left the replay window: it may have missed events and should reload state. */
function formatReset(lastEventId: string): string {
  const data = { lastEventId, reason: 'the last event id is no longer in the replay window; reload current state' };
  return `event: stream.reset\ndata: ${JSON.stringify(data)}\n\n`;
}
