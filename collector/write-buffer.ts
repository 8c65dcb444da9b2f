import type { Logger } from '../server/log.js';
import type { CollectorMetrics } from './metrics.js';

/** The buffer holds BUFFER_MAX_SPANS already: the request is answered 503 with Retry-After. */
export class BufferFullError extends Error {
  constructor() {
    super('the write buffer is full; retry later');
    this.name = 'BufferFullError';
  }
}

/** The collector is shutting down and accepts no more spans. */
export class BufferClosedError extends Error {
  constructor() {
    super('the collector is shutting down; retry later');
    this.name = 'BufferClosedError';
  }
}

/** The insert carrying the rows failed; the request is answered 503 and its client retries. */
export class StoreWriteError extends Error {
  constructor(cause: unknown) {
    super(`the span store failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreWriteError';
  }
}

export interface WriteBufferOptions<T> {
  /** Inserts the batches of several requests as one; a rejection fails every request in it. */
  insert(batches: T[]): Promise<void>;
  /** Flush as soon as this many rows wait. */
  flushRows: number;
  /** Flush rows that have waited this long. */
  flushIntervalMs: number;
  /** Rows held (waiting plus being inserted) at most. */
  maxRows: number;
  metrics: CollectorMetrics;
  log: Logger;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Group commit: rows from concurrent requests are inserted together, one insert at a time — as soon as FLUSH_SPANS
 * rows wait, otherwise at most one insert per FLUSH_INTERVAL_MS (counted from the start of the previous one), and
 * at close. Under load each insert takes what arrived during the previous one, so batches grow with the load and
 * no request waits on an idle timer; when quiet, a lone request is inserted at once and the store sees at most
 * one small part per interval. A request writes one batch (`T`: its rows, or its rows already encoded) with its row
 * count. `write()` resolves only once the insert carrying its rows has succeeded, so an acknowledged span is stored; if the insert fails, every request in it fails (the
 * OTLP client retries). Memory is bounded: beyond `maxRows` a write is refused at once, never queued.
 */
export class WriteBuffer<T> {
  private pending: T[] = [];
  private pendingRows = 0;
  private waiters: Waiter[] = [];
  private inFlight: Promise<void> | undefined;
  private inFlightRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private due = false;
  private closed = false;
  private lastFlushAt = -Infinity;

  constructor(private readonly options: WriteBufferOptions<T>) {}

  get buffered(): number {
    return this.pendingRows + this.inFlightRows;
  }

  /** Resolves when the batch of `rows` rows is stored; throws BufferFullError or BufferClosedError when refused. */
  write(batch: T, rows: number): Promise<void> {
    if (this.closed) throw new BufferClosedError();
    if (rows === 0) return Promise.resolve();
    if (this.buffered > 0 && this.buffered + rows > this.options.maxRows) throw new BufferFullError();
    this.pending.push(batch);
    this.pendingRows += rows;
    const stored = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.updateGauge();
    this.scheduleFlush();
    return stored;
  }

  /** Stops accepting rows and flushes everything held. */
  async close(): Promise<void> {
    this.closed = true;
    this.due = true;
    this.flushIfDue();
    while (this.inFlight) await this.inFlight;
  }

  /** Flush now when enough rows wait, the interval since the last flush has passed, or closing; else set a timer. */
  private scheduleFlush(): void {
    const wait = this.lastFlushAt + this.options.flushIntervalMs - performance.now();
    if (this.closed || this.pendingRows >= this.options.flushRows || wait <= 0) this.due = true;
    else this.timer ??= setTimeout(() => this.onTimer(), wait);
    this.flushIfDue();
  }

  private onTimer(): void {
    this.timer = undefined;
    this.due = true;
    this.flushIfDue();
  }

  private flushIfDue(): void {
    if (!this.due || this.inFlight || this.pending.length === 0) return;
    this.due = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    const batches = this.pending;
    const waiters = this.waiters;
    this.inFlightRows = this.pendingRows;
    this.pending = [];
    this.pendingRows = 0;
    this.waiters = [];
    this.lastFlushAt = performance.now();
    this.inFlight = this.insert(batches, waiters);
  }

  private async insert(batches: T[], waiters: Waiter[]): Promise<void> {
    const { metrics } = this.options;
    const started = performance.now();
    try {
      await this.options.insert(batches);
      metrics.flushes++;
      metrics.observeInsert((performance.now() - started) / 1000);
      for (const w of waiters) w.resolve();
    } catch (err) {
      metrics.flushErrors++;
      this.options.log.error('span insert failed; the requests get 503 and their clients retry', {
        spans: this.inFlightRows,
        error: (err as Error).message,
      });
      const failure = new StoreWriteError(err);
      for (const w of waiters) w.reject(failure);
    } finally {
      this.inFlight = undefined;
      this.inFlightRows = 0;
      this.updateGauge();
      if (this.pending.length > 0) this.scheduleFlush();
    }
  }

  private updateGauge(): void {
    this.options.metrics.bufferedSpans = this.buffered;
  }
}
