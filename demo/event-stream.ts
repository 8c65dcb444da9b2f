import type { ApiClient } from './api-client.js';

export interface ProductEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * Follows `GET /api/v1/events` (server-sent events) until `signal` aborts, reconnecting a second after the stream
 * drops. `onConnect` runs at every (re)connection — the moment to catch up on what may have been missed.
 */
export async function followEvents(
  api: ApiClient,
  types: readonly string[],
  onEvent: (event: ProductEvent) => void,
  signal: AbortSignal,
  onConnect: () => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  while (!signal.aborted) {
    try {
      const res = await fetch(`${api.baseUrl}/api/v1/events?types=${types.join(',')}`, {
        headers: api.headers({ accept: 'text/event-stream' }),
        signal,
      });
      if (!res.ok || !res.body) throw new Error(`event stream: ${res.status}`);
      await onConnect();
      let buffer = '';
      for await (const chunk of res.body.pipeThrough(new TextDecoderStream())) {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = parseMessage(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (event) onEvent(event);
        }
      }
    } catch {
      // the stream dropped or could not open: retry below
    }
    if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function parseMessage(message: string): ProductEvent | null {
  const data = message
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trim())
    .join('\n');
  return data === '' ? null : (JSON.parse(data) as ProductEvent);
}
