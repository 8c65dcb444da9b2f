import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStream } from '../../clients/typescript/src/event-stream.js';
import { Http, TracelaneError } from '../../clients/typescript/src/http.js';
import type { ProductEvent } from '../../clients/typescript/src/wire.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * The client's transport against a scripted HTTP server, for what a healthy Tracelane never does on cue: drop the
 * event stream mid-way, answer 503, hang.
 */
let server: Server;
let url: string;
const seen: { path: string; lastEventId?: string; authorization?: string }[] = [];
let streams = 0;
let flaky = 0;

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '';
  seen.push({
    path,
    ...(req.headers['last-event-id'] ? { lastEventId: String(req.headers['last-event-id']) } : {}),
    ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
  });
  if (path.startsWith('/api/v1/events')) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    if (streams++ === 0) {
      // Two events (the second with CRLF line ends and its JSON over two data lines), then the server drops it.
      res.write(
        ': connected\n\nid: e1\nevent: deployment.created\ndata: {"id":"e1","type":"deployment.created","time":"t","data":{"prompt":"p"}}\n\n',
      );
      res.end(
        'id: e2\r\nevent: deployment.created\r\ndata: {"id":"e2","type":"deployment.created",\r\ndata: "time":"t","data":{"prompt":"q"}}\r\n\r\n',
      );
    } else {
      res.write('event: stream.reset\ndata: {"lastEventId":"e2","reason":"gone"}\n\n'); // kept open
    }
    return;
  }
  if (path === '/flaky') {
    res.writeHead(flaky++ < 2 ? 503 : 200, { 'content-type': 'application/json' }).end('{"ok":true}');
    return;
  }
  if (path === '/bad') {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end('{"error":{"code":"bad_request","message":"name: must not be empty","field":"name"}}');
    return;
  }
  if (path === '/hang') return; // never answers
  res.writeHead(404).end();
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const http = (signal: AbortSignal, maxRetries = 2) =>
  new Http({ url, apiKey: 'k', timeoutMs: 300, maxRetries, fetch, signal });

describe('event stream', () => {
  it('reconnects with Last-Event-ID after a drop, and catches up on stream.reset', async () => {
    const closed = new AbortController();
    const events: ProductEvent[] = [];
    let syncs = 0;
    let disconnects = 0;
    const stream = new EventStream(
      http(closed.signal),
      ['deployment.created'],
      { onEvent: (e) => events.push(e), onSync: () => syncs++, onDisconnect: () => disconnects++ },
      closed.signal,
    );
    await waitFor('connect, drop, reconnect and reset', () => (syncs >= 3 ? true : undefined));
    stream.stop();
    expect(events.map((e) => [e.id, e.data.prompt])).toEqual([
      ['e1', 'p'],
      ['e2', 'q'],
    ]);
    expect(disconnects).toBe(1);
    const connections = seen.filter((s) => s.path.startsWith('/api/v1/events'));
    expect(connections[0]).toEqual({ path: '/api/v1/events?types=deployment.created', authorization: 'Bearer k' });
    expect(connections[1]?.lastEventId).toBe('e2');
    await waitFor('the stream to stop', () => (stream.connected ? undefined : true));
    closed.abort();
  });
});

describe('requests', () => {
  it('retries a 503 with backoff, and gives up after maxRetries', async () => {
    const closed = new AbortController();
    expect((await http(closed.signal).request('GET', '/flaky')).body).toEqual({ ok: true });
    expect(flaky).toBe(3);
    flaky = 0;
    const failure = await http(closed.signal, 1)
      .request('GET', '/flaky')
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TracelaneError);
    expect((failure as TracelaneError).status).toBe(503);
  });

  it('does not retry a 400, and reads the API error', async () => {
    const closed = new AbortController();
    const before = seen.length;
    const failure = (await http(closed.signal)
      .request('GET', '/bad')
      .catch((e: unknown) => e)) as TracelaneError;
    expect(seen.length - before).toBe(1);
    expect(failure).toMatchObject({ status: 400, code: 'bad_request', field: 'name' });
    expect(failure.message).toBe('GET /bad: 400 name: must not be empty');
  });

  it('times out an attempt that gets no answer', async () => {
    const closed = new AbortController();
    const started = Date.now();
    const failure = (await http(closed.signal, 1)
      .request('GET', '/hang')
      .catch((e: unknown) => e)) as TracelaneError;
    expect(failure).toMatchObject({ status: null });
    expect(failure.message).toContain('no answer');
    expect(Date.now() - started).toBeGreaterThanOrEqual(600); // two attempts of 300 ms
  });
});
