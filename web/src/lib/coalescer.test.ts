import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Coalescer } from './coalescer.js';

describe('Coalescer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('turns a burst into one flush with every key, and a later burst into one more at most an interval later', () => {
    const flushes: string[][] = [];
    const c = new Coalescer(
      (keys) => flushes.push([...keys].sort()),
      3000,
      300,
      () => Date.now(),
    );
    for (let i = 0; i < 200; i++) c.touch(`lane-${i % 50}`);
    vi.advanceTimersByTime(299);
    expect(flushes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(flushes).toHaveLength(1);
    expect(flushes[0]).toHaveLength(50);
    // Events keep coming: never more than one flush per 3 s.
    for (let t = 0; t < 10_000; t += 100) {
      c.touch('lane-1');
      c.touch(`lane-${t}`);
      vi.advanceTimersByTime(100);
    }
    expect(flushes.length).toBeLessThanOrEqual(1 + Math.ceil(10_300 / 3000));
    expect(flushes.length).toBeGreaterThanOrEqual(4);
  });

  it('waits only the short delay after a quiet spell, and nothing after cancel', () => {
    const flushes: number[] = [];
    const c = new Coalescer(
      (keys) => flushes.push(keys.size),
      3000,
      300,
      () => Date.now(),
    );
    c.touch('a');
    vi.advanceTimersByTime(300);
    vi.advanceTimersByTime(10_000);
    c.touch('b');
    vi.advanceTimersByTime(300);
    expect(flushes).toEqual([1, 1]);
    c.touch('c');
    c.cancel();
    vi.advanceTimersByTime(10_000);
    expect(flushes).toEqual([1, 1]);
  });
});
