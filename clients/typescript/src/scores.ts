import { TracelaneError, backoffMs, isRetryable, sleep, type Http } from './http.js';

/** A trace id, `{ traceId, spanId? }`, or an OpenTelemetry span (its trace and span). */
export type ScoreTarget =
  string | { traceId: string; spanId?: string } | { spanContext(): { traceId: string; spanId: string } };

export interface ScoreOptions {
  comment?: string;
  /** Who judged: `user` (application feedback, the default), `evaluator` or `human` (a reviewer). */
  source?: 'user' | 'evaluator' | 'human';
}

export interface ScoreStats {
  /** Waiting to be sent (or sent again). */
  pending: number;
  sent: number;
  /** Refused by Tracelane, or still failing when their retry window ended; each one reported to onError. */
  dropped: number;
}

interface ScoreBody {
  traceId: string;
  spanId?: string;
  name: string;
  value: number | boolean;
  source: 'user' | 'evaluator' | 'human';
  comment?: string;
}

interface Queued {
  body: ScoreBody;
  queuedAt: number;
  attempts: number;
  dueAt: number;
}

export interface ScoreQueueOptions {
  /** How long a score is retried (the trace may reach Tracelane after its score). */
  retryWindowMs: number;
  /** Scores held at most; beyond it the oldest is dropped. */
  maxPending: number;
  /** Scores are gathered this long before a send. */
  batchDelayMs: number;
}

const CONCURRENCY = 4;
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 30_000;

/**
 * Application feedback sent in the background: `add` never waits. Scores are gathered for `batchDelayMs` and sent
 * together (a few requests at a time) to `POST /api/v1/scores`; a failure that may pass (network, 5xx, 429, or a 404
 * because the trace has not reached Tracelane yet) is retried with backoff within the retry window.
 */
export class ScoreQueue {
  private readonly queue: Queued[] = [];
  private readonly counts = { sent: 0, dropped: 0 };
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pumping: Promise<void> | null = null;
  private inFlight = 0;
  private fullDrops = 0;

  constructor(
    private readonly http: Http,
    private readonly options: ScoreQueueOptions,
    private readonly onError: (error: TracelaneError) => void,
    private readonly signal: AbortSignal,
  ) {}

  add(target: ScoreTarget, name: string, value: number | boolean, options: ScoreOptions = {}): void {
    const body = scoreBody(target, name, value, options);
    if (this.queue.length >= this.options.maxPending) {
      this.queue.shift();
      this.counts.dropped++;
      // One report for the first drop of an overload and one per thousand after it, not one per score.
      if (this.fullDrops++ % 1000 === 0) {
        this.onError(
          new TracelaneError(`score queue full (${this.options.maxPending}): the oldest scores are dropped`),
        );
      }
    }
    const now = Date.now();
    this.queue.push({ body, queuedAt: now, attempts: 0, dueAt: now });
    this.schedule(this.options.batchDelayMs);
  }

  stats(): ScoreStats {
    return { pending: this.queue.length + this.inFlight, ...this.counts };
  }

  /** Sends what is pending now, retries included, until nothing is left or `timeoutMs` passed. */
  async flush(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length + this.inFlight > 0 && Date.now() < deadline && !this.signal.aborted) {
      const now = Date.now();
      for (const item of this.queue) if (item.attempts === 0) item.dueAt = now; // no batching delay
      await this.pump();
      const next = Math.min(...this.queue.map((q) => q.dueAt), deadline);
      if (this.queue.length > 0) await sleep(Math.max(0, next - Date.now()), this.signal);
    }
  }

  /** Drops (and counts) what is still pending: the client is closing. */
  abandon(): void {
    if (this.timer) clearTimeout(this.timer);
    const left = this.queue.splice(0);
    this.counts.dropped += left.length;
    if (left.length > 0) this.onError(new TracelaneError(`${left.length} scores dropped: the client closed first`));
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.pump();
    }, delayMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Sends every due score, CONCURRENCY at a time; one pump runs at once. */
  private pump(): Promise<void> {
    this.pumping ??= (async () => {
      for (let due = this.takeDue(); due.length > 0; due = this.takeDue()) {
        this.inFlight += due.length;
        await Promise.all(due.map((item) => this.send(item).finally(() => this.inFlight--)));
      }
    })().finally(() => {
      this.pumping = null;
      if (this.queue.length > 0) this.schedule(Math.max(0, Math.min(...this.queue.map((q) => q.dueAt)) - Date.now()));
    });
    return this.pumping;
  }

  private takeDue(): Queued[] {
    const now = Date.now();
    const due: Queued[] = [];
    for (let i = 0; i < this.queue.length && due.length < CONCURRENCY;) {
      if ((this.queue[i] as Queued).dueAt <= now) due.push(...this.queue.splice(i, 1));
      else i++;
    }
    return due;
  }

  private async send(item: Queued): Promise<void> {
    try {
      await this.http.request('POST', '/api/v1/scores', { body: item.body, retries: 0 });
      this.counts.sent++;
    } catch (caught) {
      const error = caught instanceof TracelaneError ? caught : new TracelaneError(String(caught));
      const retryable = isRetryable(error.status) || error.status === 404; // 404: the trace has not arrived yet
      const dueAt = Date.now() + backoffMs(item.attempts++, RETRY_BASE_MS, RETRY_MAX_MS, error.retryAfterMs ?? 0);
      if (retryable && !this.signal.aborted && dueAt - item.queuedAt <= this.options.retryWindowMs) {
        this.queue.push({ ...item, dueAt });
      } else {
        this.counts.dropped++;
        const what = `score "${item.body.name}" of trace ${item.body.traceId} dropped: ${error.message}`;
        this.onError(new TracelaneError(what, { ...(error.status ? { status: error.status } : {}) }));
      }
    }
  }
}

const TRACE_ID = /^[0-9a-f]{32}$/i;
const SPAN_ID = /^[0-9a-f]{16}$/i;

/** Checks a score where the mistake is made (a programming error throws at once, it is never queued). */
function scoreBody(target: ScoreTarget, name: string, value: number | boolean, options: ScoreOptions): ScoreBody {
  const ids =
    typeof target === 'string'
      ? { traceId: target }
      : 'spanContext' in target
        ? target.spanContext()
        : { traceId: target.traceId, ...(target.spanId ? { spanId: target.spanId } : {}) };
  if (!TRACE_ID.test(ids.traceId)) throw new TypeError(`traceId: must be 32 hexadecimal characters`);
  if (ids.spanId !== undefined && !SPAN_ID.test(ids.spanId))
    throw new TypeError(`spanId: must be 16 hexadecimal characters`);
  if (typeof name !== 'string' || name.trim() === '' || name.length > 100) {
    throw new TypeError('name: must be 1 to 100 characters');
  }
  if (typeof value !== 'boolean' && !(typeof value === 'number' && value >= 0 && value <= 1)) {
    throw new RangeError('value: must be a number from 0 to 1, or a boolean');
  }
  if (options.comment !== undefined && options.comment.length > 2000) {
    throw new RangeError('comment: must be at most 2000 characters');
  }
  return {
    traceId: ids.traceId.toLowerCase(),
    ...(ids.spanId ? { spanId: ids.spanId.toLowerCase() } : {}),
    name,
    value,
    source: options.source ?? 'user',
    ...(options.comment !== undefined ? { comment: options.comment } : {}),
  };
}
