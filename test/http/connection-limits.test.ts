import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../../bench/server-process.js';
import { tempDataDir } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * Connection exhaustion, from the outside: Tracelane runs as a child process with a low open-file limit (the shared
 * machine's limit is 20,000; the point is the same at 400 and costs far less), lowered connection caps and short
 * timeouts. A flood of unfinished requests on the collector port must not stop the API from answering, and clients
 * that send slowly are closed within the configured timeouts.
 */
const FILE_LIMIT = 400;
const FLOOD = 600; // more connections than the process has file descriptors, held open and renewed
const HEADERS_TIMEOUT_MS = 1000;
const BODY_TIMEOUT_MS = 1000;
const MIN_BODY_RATE = 1024;
const MAX_BODY_BYTES = 1024 * 1024;
const AUTH_FAILURE_LIMIT = 3;

const dataDir = tempDataDir('tracelane-connections-');
let server: ServerProcess;
let api: URL;
let otlp: URL;

beforeAll(async () => {
  server = await startServerProcess(
    {
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      INGEST_KEYS: 'right-key',
      OTLP_MAX_CONNECTIONS: '100',
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS),
      HTTP_MIN_BODY_RATE: String(MIN_BODY_RATE),
      HTTP_REQUEST_TIMEOUT_MS: '20000',
      HTTP_MAX_REQUESTS_PER_CONNECTION: '3',
      OTLP_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      AUTH_FAILURE_LIMIT: String(AUTH_FAILURE_LIMIT),
    },
    { fileLimit: FILE_LIMIT },
  );
  api = new URL(server.apiUrl);
  otlp = new URL(server.otlpUrl);
  expect(await healthWithin(30_000)).toBe(200); // the first request warms the store up
}, 120_000);
afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

/** A raw connection: resolves `closed` with the milliseconds it stayed open and what the server sent. */
function open(url: URL, send = ''): { socket: Socket; closed: Promise<{ ms: number; received: string }> } {
  const started = Date.now();
  const socket = connect(Number(url.port), url.hostname, () => socket.write(send));
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  socket.on('error', () => {});
  const closed = new Promise<{ ms: number; received: string }>((resolve) =>
    socket.once('close', () => resolve({ ms: Date.now() - started, received })),
  );
  return { socket, closed };
}

/** Fails instead of waiting for Node's old defaults (60 s and more) when the server does not close. */
const within = <T>(ms: number, what: string, promise: Promise<T>) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: still open after ${ms} ms`)), ms)),
  ]);

/** Writes `chunk` every `everyMs` until the socket closes. */
function trickle(socket: Socket, chunk: string, everyMs: number): void {
  const timer = setInterval(() => {
    if (socket.writable) socket.write(chunk);
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

async function healthWithin(ms: number): Promise<number> {
  const res = await fetch(new URL('/api/v1/health', api), { signal: AbortSignal.timeout(ms) });
  await res.arrayBuffer();
  return res.status;
}

describe('connection limits', () => {
  it('keeps the API answering health within a second while the collector port is flooded', async () => {
    let flooding = true;
    let settled = 0;
    const live = new Set<Socket>();
    const attack = (first: boolean) => {
      if (!flooding) return;
      const { socket } = open(otlp, 'POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n');
      live.add(socket);
      if (first) socket.once('connect', () => settled++);
      socket.once('close', () => {
        live.delete(socket);
        setTimeout(() => attack(false), 200); // the attacker comes back
      });
    };
    for (let i = 0; i < FLOOD; i++) attack(true);
    try {
      await waitFor('the flood to connect', () => (settled >= FLOOD ? true : undefined), 30_000);
      for (let i = 0; i < 5; i++) expect(await healthWithin(1000)).toBe(200);
    } finally {
      flooding = false;
      for (const socket of live) socket.destroy();
    }
    // Once the flood is over the collector serves again, and the refused connections were counted.
    const res = await fetch(new URL('/v1/traces', otlp), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer right-key' },
      body: '{"resourceSpans":[]}',
    });
    expect(res.status).toBe(200);
    const health = (await (await fetch(new URL('/api/v1/health', api))).json()) as {
      connectionsClosed: { otlp: { limit: number } };
    };
    expect(health.connectionsClosed.otlp.limit).toBeGreaterThan(0);
  }, 90_000);

  it('closes a client that sends its headers slowly within the header timeout', async () => {
    const { socket, closed } = open(api, 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n');
    trickle(socket, 'X-Slow: a\r\n', 200); // activity, but the headers never end
    const { ms, received } = await within(10_000, 'slow headers', closed);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(ms).toBeLessThan(HEADERS_TIMEOUT_MS + 3000);
  });

  it('closes a connection that sends nothing within the header timeout', async () => {
    const { closed } = open(otlp);
    const { ms } = await within(10_000, 'silent connection', closed);
    expect(ms).toBeLessThan(HEADERS_TIMEOUT_MS + 3000);
  });

  it('closes a client that sends its body below the minimum rate', async () => {
    const headers =
      'POST /v1/traces HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer right-key\r\n' +
      'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n';
    const { socket, closed } = open(otlp, headers);
    trickle(socket, ' ', 100); // 10 bytes/s, far below 1 KiB/s
    const { ms } = await within(10_000, 'slow body', closed);
    expect(ms).toBeLessThan(BODY_TIMEOUT_MS + 3000);
  });

  it('answers a wrong key at once and closes instead of reading the rest of the body', async () => {
    const headers =
      'POST /v1/traces HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong-key\r\n' +
      'Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n';
    const { socket, closed } = open(otlp, headers);
    trickle(socket, 'x'.repeat(1024), 50); // 20 KiB/s: above the minimum rate, and 8 minutes to finish
    const { ms, received } = await within(10_000, 'body after 401', closed);
    expect(received).toMatch(/^HTTP\/1\.1 401/);
    expect(received.toLowerCase()).toContain('connection: close');
    expect(ms).toBeLessThan(3000);
  });

  const upload = (key: string, length: number) =>
    `POST /v1/traces HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

  it('answers a body over OTLP_MAX_BODY_BYTES 413 at once and closes instead of reading the rest', async () => {
    const { socket, closed } = open(otlp, upload('right-key', 10 * MAX_BODY_BYTES));
    trickle(socket, 'x'.repeat(1024), 50); // above the minimum rate, and 8 minutes to finish
    const { ms, received } = await within(10_000, 'body after 413', closed);
    expect(received).toMatch(/^HTTP\/1\.1 413/);
    expect(received.toLowerCase()).toContain('connection: close');
    expect(ms).toBeLessThan(3000);
  });

  it('closes a keep-alive connection after its last allowed request', async () => {
    const request = 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n';
    const { socket, closed } = open(api, request);
    let sent = 1;
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
      const answered = (received.match(/HTTP\/1\.1 200/g) ?? []).length;
      if (answered === sent && sent < 3) {
        sent++;
        socket.write(request);
      }
    });
    await within(10_000, 'keep-alive connection after 3 requests', closed);
    expect((received.match(/HTTP\/1\.1 200/g) ?? []).length).toBe(3);
    expect(received.toLowerCase().split('connection: close').length - 1).toBe(1);
  });

  // Last: from here on this address is throttled (the 401 test above made its first failure).
  it('answers 429 at once once an address made too many wrong-key attempts, and closes instead of reading the rest', async () => {
    let status = '';
    for (let i = 0; i <= AUTH_FAILURE_LIMIT && status !== '429'; i++) {
      const { received } = await within(10_000, 'wrong key', open(otlp, upload('wrong-key', 0)).closed);
      status = received.slice(9, 12);
    }
    expect(status).toBe('429'); // the bucket is empty: the next key is not looked at
    const { socket, closed } = open(otlp, upload('right-key', 10 * 1024 * 1024));
    trickle(socket, 'x'.repeat(1024), 50); // above the minimum rate, and 8 minutes to finish
    const { ms, received } = await within(10_000, 'body after 429', closed);
    expect(received).toMatch(/^HTTP\/1\.1 429/);
    expect(received.toLowerCase()).toContain('retry-after:');
    expect(received.toLowerCase()).toContain('connection: close');
    expect(ms).toBeLessThan(3000);
  });
});
