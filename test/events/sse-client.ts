/** One message of a server-sent-events stream, as an EventSource would see it (plus the comments before it). */
export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  comments: string[];
}

/**
 * A minimal independent SSE reader for tests: opens the stream with fetch and parses it per the WHATWG
 * event-stream format (fields `id`, `event`, `data`; `:` comments; blank line ends a message).
 */
export class SseClient {
  private readonly messages: SseMessage[] = [];
  private buffer = '';
  private current: SseMessage = { comments: [] };
  ended = false;

  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {}

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const abort = new AbortController();
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
    const client = new SseClient(response, abort);
    if (response.ok && response.body) void client.pumpBody(response.body);
    return client;
  }

  /** Waits until a message matching `predicate` has arrived and returns it (and removes the ones before it). */
  async next(predicate: (m: SseMessage) => boolean = () => true, timeoutMs = 5000): Promise<SseMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.messages.findIndex(predicate);
      if (index !== -1) return this.messages.splice(0, index + 1)[index]!;
      if (this.ended) throw new Error('stream ended before the expected message');
      if (Date.now() > deadline) throw new Error(`no matching message within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** The next message that carries an event (skipping comment-only ones). */
  nextEvent(timeoutMs?: number): Promise<SseMessage> {
    return this.next((m) => m.data !== undefined, timeoutMs);
  }

  close(): void {
    this.abort.abort();
  }

  private async pumpBody(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) this.feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // aborted by close()
    }
    this.ended = true;
  }

  private feed(text: string): void {
    this.buffer += text;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) !== -1) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.current.comments.length > 0 || Object.keys(this.current).length > 1) this.messages.push(this.current);
      this.current = { comments: [] };
      return;
    }
    if (line.startsWith(':')) {
      this.current.comments.push(line.slice(1).trim());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data')
      this.current.data = this.current.data === undefined ? value : `${this.current.data}\n${value}`;
    else if (field === 'id' || field === 'event') this.current[field] = value;
  }
}
