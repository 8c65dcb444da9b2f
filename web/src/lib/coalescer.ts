/**
 * Coalesces bursts of live events into few refreshes: keys touched (lanes, or any name) are collected, and `flush`
 * is called with all of them at most once per `intervalMs`, `delayMs` after the first touch of a quiet spell (so a
 * burst arriving together is one refresh). However many events arrive, a key is refreshed at most once per
 * interval and the number of requests depends on time, not on the number of events.
 */
export class Coalescer {
  private readonly pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFlush = -Infinity;

  constructor(
    private readonly flush: (keys: ReadonlySet<string>) => void,
    private readonly intervalMs = 3000,
    private readonly delayMs = 300,
    private readonly now: () => number = Date.now,
  ) {}

  touch(key: string): void {
    this.pending.add(key);
    if (this.timer !== undefined) return;
    const wait = Math.max(this.delayMs, this.lastFlush + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.run(), wait);
  }

  /** Stops the pending flush (the page went away). */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private run(): void {
    this.timer = undefined;
    this.lastFlush = this.now();
    const keys = new Set(this.pending);
    this.pending.clear();
    this.flush(keys);
  }
}
