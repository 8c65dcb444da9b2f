import type { ApiErrorBody } from './wire.js';

/** A failed call to Tracelane: `status` is null when no HTTP answer came (refused, reset, timed out). */
export class TracelaneError extends Error {
  readonly status: number | null;
  /** The API's error code and the request field it names, when the API answered with its JSON error. */
  readonly code: string | null;
  readonly field: string | null;
  /** The answer's Retry-After, in milliseconds. */
  readonly retryAfterMs: number | null;
  constructor(
    message: string,
    details: { status?: number; code?: string; field?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'TracelaneError';
    this.status = details.status ?? null;
    this.code = details.code ?? null;
    this.field = details.field ?? null;
    this.retryAfterMs = details.retryAfterMs ?? null;
  }
}

export interface HttpOptions {
  url: string;
  apiKey?: string;
  timeoutMs: number;
  maxRetries: number;
  fetch: typeof fetch;
  /** Aborted when the client closes: every request in flight stops. */
  signal: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Statuses worth another attempt: the request may succeed unchanged a moment later. */
export const isRetryable = (status: number | null) =>
  status === null || status === 408 || status === 429 || status >= 500;

const RETRY_BASE_MS = 200;
const RETRY_MAX_MS = 5000;

/**
 * Tracelane's HTTP API as the client calls it: the API key as a bearer token, a timeout per attempt, and
 * retries with exponential backoff and jitter (honouring Retry-After) for answers that may change on their own.
 */
export class Http {
  readonly baseUrl: string;
  /** The requests in flight, aborted together when the client closes (one listener, however many requests). */
  private readonly inFlight = new Set<AbortController>();

  constructor(private readonly options: HttpOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    options.signal.addEventListener('abort', () => this.inFlight.forEach((c) => c.abort()), { once: true });
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}), ...extra };
  }

  /** Answers 2xx and 304 are returned; other statuses and network failures throw TracelaneError after retries. */
  async request(
    method: 'GET' | 'POST',
    path: string,
    init: { body?: unknown; headers?: Record<string, string>; retries?: number } = {},
  ): Promise<HttpAnswer> {
    const retries = init.retries ?? this.options.maxRetries;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(method, path, init);
      } catch (error) {
        const failure = error instanceof TracelaneError ? error : new TracelaneError(String(error));
        if (attempt >= retries || !isRetryable(failure.status) || this.options.signal.aborted) throw failure;
        await sleep(backoffMs(attempt, RETRY_BASE_MS, RETRY_MAX_MS, failure.retryAfterMs ?? 0), this.options.signal);
      }
    }
  }

  /**
   * Opens a streaming GET (the event stream) on `connection`, which the caller aborts to end it: the timeout covers
   * only the wait for the response headers.
   */
  async open(path: string, headers: Record<string, string>, connection: Linked): Promise<Response> {
    const timer = setTimeout(() => connection.abort(), this.options.timeoutMs);
    try {
      const res = await this.options.fetch(this.baseUrl + path, {
        headers: this.headers(headers),
        signal: connection.signal,
      });
      if (!res.ok || !res.body) throw await errorOf(res, `GET ${path}`);
      return res;
    } catch (error) {
      throw asTracelaneError(error, `GET ${path}`, connection.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  private async attempt(
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string> },
  ): Promise<HttpAnswer> {
    const controller = new AbortController();
    if (this.options.signal.aborted) controller.abort();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    const what = `${method} ${path}`;
    try {
      const res = await this.options.fetch(this.baseUrl + path, {
        method,
        headers: this.headers({
          accept: 'application/json',
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...init.headers,
        }),
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: controller.signal,
      });
      if (!res.ok && res.status !== 304) throw await errorOf(res, what);
      const text = res.status === 304 ? '' : await res.text();
      return { status: res.status, headers: res.headers, body: text === '' ? null : (JSON.parse(text) as unknown) };
    } catch (error) {
      throw asTracelaneError(error, what, controller.signal);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }
}

async function errorOf(res: Response, what: string): Promise<TracelaneError> {
  const text = await res.text().catch(() => '');
  let body: ApiErrorBody = {};
  try {
    body = JSON.parse(text) as ApiErrorBody;
  } catch {
    // not the API's JSON error (a proxy's page): quoted below
  }
  const message = body.error?.message ?? (text.slice(0, 200) || res.statusText);
  const seconds = Number(res.headers.get('retry-after'));
  return new TracelaneError(`${what}: ${res.status} ${message}`, {
    status: res.status,
    ...(body.error?.code ? { code: body.error.code } : {}),
    ...(body.error?.field ? { field: body.error.field } : {}),
    ...(Number.isFinite(seconds) && seconds > 0 ? { retryAfterMs: seconds * 1000 } : {}),
  });
}

function asTracelaneError(error: unknown, what: string, signal: AbortSignal): TracelaneError {
  if (error instanceof TracelaneError) return error;
  if (signal.aborted) return new TracelaneError(`${what}: no answer (timed out or the client closed)`);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return new TracelaneError(`${what}: ${cause?.code ?? cause?.message ?? String(error)}`);
}

/** An abort signal that also aborts when `parent` does, until `release()` detaches it from the parent. */
export interface Linked {
  signal: AbortSignal;
  abort(): void;
  release(): void;
}

export function linked(parent: AbortSignal): Linked {
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (parent.aborted) abort();
  else parent.addEventListener('abort', abort, { once: true });
  return { signal: controller.signal, abort, release: () => parent.removeEventListener('abort', abort) };
}

/** Exponential backoff with full jitter in [½, 1] of the step; a server's Retry-After wins when longer. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, atLeastMs = 0): number {
  const step = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.max(Math.min(atLeastMs, maxMs), step * (0.5 + Math.random() / 2));
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
