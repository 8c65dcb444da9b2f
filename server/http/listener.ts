import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { ConnectionMetrics, type ClosedReason } from './connection-metrics.js';

/**
 * Every port Tracelane listens on (the API, the OTLP/HTTP collector, and any later one) is created here, with the
 * same protection against clients that hold connections without finishing their requests:
 *
 * - at most `maxConnections` open connections per port; beyond it a new connection is closed at once, so one flooded
 *   port never takes the file descriptors the other ports need;
 * - the request line and headers must arrive within `headersTimeoutMs` (also counted for a new connection that sends
 *   nothing), the whole request within `requestTimeoutMs`;
 * - a body must keep arriving: it gets `bodyTimeoutMs` plus one second per `minBodyBytesPerSecond` bytes received;
 * - a response sent before the request's body was read (a 401, a 413, any early answer) closes the connection
 *   instead of reading the rest, and so do 401, 413 and 429 in any case;
 * - an idle keep-alive connection is closed after `keepAliveTimeoutMs`, and after `maxRequestsPerConnection`
 *   requests.
 */
export interface ListenerLimits {
  maxConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  bodyTimeoutMs: number;
  minBodyBytesPerSecond: number;
  keepAliveTimeoutMs: number;
  /** 0: unlimited. */
  maxRequestsPerConnection: number;
}

export type ListenerName = 'api' | 'otlp';

/** The limits of one port from the configuration: its own connection cap, the shared timeouts. */
export function listenerLimits(config: Config, port: ListenerName): ListenerLimits {
  return {
    maxConnections: port === 'api' ? config.API_MAX_CONNECTIONS : config.OTLP_MAX_CONNECTIONS,
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    bodyTimeoutMs: config.HTTP_BODY_TIMEOUT_MS,
    minBodyBytesPerSecond: config.HTTP_MIN_BODY_RATE,
    keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    maxRequestsPerConnection: config.HTTP_MAX_REQUESTS_PER_CONNECTION,
  };
}

export interface ListenOptions {
  name: ListenerName;
  limits: ListenerLimits;
  metrics: ConnectionMetrics;
  log: Logger;
}

/** Responses after which a connection is closed even when the request was read whole. */
const CLOSE_AFTER = new Set([401, 413, 429]);
/** At most one "connection limit reached" warning per port in this interval. */
const WARN_INTERVAL_MS = 60_000;

/** File descriptors kept free for the store, logs and outbound connections beside the listeners' caps. */
const RESERVED_FILES = 256;

/**
 * Warns when the ports' connection caps together do not fit the process's open-file limit (Linux: read from
 * /proc/self/limits; elsewhere nothing is checked): the caps would then not protect the ports from each other.
 */
export function warnIfOverFileLimit(caps: readonly number[], log: Logger): void {
  const limits = existsSync('/proc/self/limits') ? readFileSync('/proc/self/limits', 'utf8') : '';
  const soft = Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1]);
  const needed = caps.reduce((a, b) => a + b, 0) + RESERVED_FILES;
  if (Number.isFinite(soft) && needed > soft) {
    log.warn('the connection caps exceed the open-file limit: lower them or raise the limit (ulimit -n)', {
      connectionCaps: caps,
      openFileLimit: soft,
    });
  }
}

/** Creates the server for one port with the limits above and starts listening. */
export function listen(handler: RequestListener, port: number, host: string, options: ListenOptions): Promise<Server> {
  const server = hardenedServer(handler, options);
  return new Promise<Server>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function hardenedServer(handler: RequestListener, { name, limits, metrics, log }: ListenOptions): Server {
  const closed = (reason: ClosedReason) => metrics.closed(name, reason);
  const requestTimeoutMs = Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs);
  const bodies = new BodyRateGuard(limits, () => closed('slow_body'));
  const idle = new FirstRequestTimeout(limits.headersTimeoutMs, () => closed('idle'));
  const served = new WeakMap<Socket, number>();
  const lastAllowed = (socket: Socket) => {
    const count = (served.get(socket) ?? 0) + 1;
    served.set(socket, count);
    return limits.maxRequestsPerConnection > 0 && count >= limits.maxRequestsPerConnection;
  };
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, limits.headersTimeoutMs / 4)),
    },
    (req, res) => {
      idle.started(req.socket);
      bodies.watch(req);
      const last = lastAllowed(req.socket);
      // Whether to keep the connection is decided when the status is known, just before the headers go out.
      const writeHead = res.writeHead.bind(res);
      res.writeHead = ((...args: Parameters<typeof writeHead>) => {
        if (last || CLOSE_AFTER.has(args[0]) || (hasBody(req) && !req.complete)) res.shouldKeepAlive = false;
        return writeHead(...args);
      }) as typeof res.writeHead;
      handler(req, res);
    },
  );
  server.maxConnections = limits.maxConnections;
  server.on('connection', (socket: Socket) => idle.watch(socket));
  let lastWarning = 0;
  server.on('drop', () => {
    closed('limit');
    if (Date.now() - lastWarning < WARN_INTERVAL_MS) return;
    lastWarning = Date.now();
    log.warn('connection limit reached: closing new connections', {
      port: name,
      maxConnections: limits.maxConnections,
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const timedOut = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    if (timedOut) closed('timeout');
    if (socket.writable && err.code !== 'ECONNRESET') {
      socket.end(`HTTP/1.1 ${timedOut ? '408 Request Timeout' : '400 Bad Request'}\r\nConnection: close\r\n\r\n`);
    }
    socket.destroy();
  });
  server.once('close', () => bodies.stop());
  return server;
}

/**
 * Node's header timeout starts with the first byte of a request, so a connection that sends nothing would stay open:
 * it gets the same time to start its first request. (Between requests, Node's keep-alive timeout applies.)
 */
class FirstRequestTimeout {
  private readonly timers = new WeakMap<Socket, () => void>();

  constructor(
    private readonly timeoutMs: number,
    private readonly onClose: () => void,
  ) {}

  watch(socket: Socket): void {
    const expire = () => {
      this.onClose();
      socket.destroy();
    };
    this.timers.set(socket, expire);
    socket.setTimeout(this.timeoutMs);
    socket.once('timeout', expire);
  }

  started(socket: Socket): void {
    const expire = this.timers.get(socket);
    if (!expire) return;
    this.timers.delete(socket);
    socket.setTimeout(0);
    socket.off('timeout', expire);
  }
}

/**
 * The minimum body rate: every request whose body is still arriving is checked once a second, and its connection
 * is closed when less than `minBodyBytesPerSecond` × (seconds since the headers − `bodyTimeoutMs`) bytes arrived.
 */
class BodyRateGuard {
  private readonly pending = new Map<IncomingMessage, { start: number; bytesAtStart: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: ListenerLimits,
    private readonly onClose: () => void,
  ) {}

  watch(req: IncomingMessage): void {
    if (req.complete || !hasBody(req)) return;
    this.pending.set(req, { start: Date.now(), bytesAtStart: req.socket.bytesRead });
    const forget = () => this.pending.delete(req);
    req.once('end', forget);
    req.once('close', forget);
    this.timer ??= setInterval(() => this.check(), Math.min(1000, this.limits.bodyTimeoutMs / 2)).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    const now = Date.now();
    for (const [req, { start, bytesAtStart }] of this.pending) {
      if (req.complete) {
        this.pending.delete(req);
        continue;
      }
      const received = req.socket.bytesRead - bytesAtStart;
      const allowedMs = this.limits.bodyTimeoutMs + (received / this.limits.minBodyBytesPerSecond) * 1000;
      if (now - start <= allowedMs) continue;
      this.pending.delete(req);
      this.onClose();
      req.socket.destroy();
    }
    if (this.pending.size === 0) this.stop();
  }
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}
