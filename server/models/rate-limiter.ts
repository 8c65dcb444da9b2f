/**
 * Per-connection bounds on model calls, in this process: at most `maxConcurrency` calls at once (a call holds its
 * slot through its retries) and at most `requestsPerMinute` HTTP requests in any sliding minute (every attempt
 * counts). Waiters are served in arrival order; an aborted waiter leaves the queue. Limits are read on every
 * acquire, so a changed connection takes effect at once.
 */
export interface Limits {
  maxConcurrency: number;
  requestsPerMinute: number;
}

const MINUTE_MS = 60_000;

export class ConnectionLimiter {
  private inFlight = 0;
  private readonly slotWaiters: (() => void)[] = [];
  private readonly starts: number[] = [];
  private rateQueue: Promise<void> = Promise.resolve();

  /** Waits for a concurrency slot; returns its release function. */
  async slot(limits: Limits, signal?: AbortSignal): Promise<() => void> {
    while (this.inFlight >= limits.maxConcurrency) {
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', abort);
          resolve();
        };
        const abort = () => {
          const i = this.slotWaiters.indexOf(wake);
          if (i !== -1) this.slotWaiters.splice(i, 1);
          reject(abortReason(signal));
        };
        if (signal?.aborted) return reject(abortReason(signal));
        signal?.addEventListener('abort', abort, { once: true });
        this.slotWaiters.push(wake);
      });
    }
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.slotWaiters.shift()?.();
    };
  }

  /** Waits until one more request fits in the sliding minute, and counts it. */
  request(limits: Limits, signal?: AbortSignal): Promise<void> {
    const turn = this.rateQueue.then(() => this.waitForRate(limits, signal));
    this.rateQueue = turn.catch(() => undefined);
    return turn;
  }

  private async waitForRate(limits: Limits, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = Date.now();
      while (this.starts.length > 0 && this.starts[0]! <= now - MINUTE_MS) this.starts.shift();
      if (this.starts.length < limits.requestsPerMinute) {
        this.starts.push(now);
        return;
      }
      await sleep(this.starts[0]! + MINUTE_MS - now, signal);
    }
  }
}

/** Why a signal aborted, as an Error (AbortSignal reasons may be anything). */
function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('aborted');
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    signal?.addEventListener('abort', abort, { once: true });
  });
}
