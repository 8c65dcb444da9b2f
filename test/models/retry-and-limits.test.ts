import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionLimiter } from '../../server/models/rate-limiter.js';
import { retryAfterMs, retryDelayMs } from '../../server/models/retry-policy.js';

const headers = (h: Record<string, string>) => new Headers(h);
const policy = { baseMs: 500, maxMs: 8000, retryAfterMaxMs: 60_000 };

describe('Retry-After', () => {
  it('reads retry-after-ms first, then seconds, then an HTTP date', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
    expect(retryAfterMs(headers({ 'retry-after': '2' }))).toBe(2000);
    const now = Date.parse('2026-12-03T10:00:00Z');
    expect(retryAfterMs(headers({ 'retry-after': 'Thu, 03 Dec 2026 10:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(headers({}))).toBeUndefined();
  });

  it('waits what the provider asked, refuses waits beyond the maximum, else backs off exponentially with jitter', () => {
    expect(retryDelayMs(1, 3000, policy)).toBe(3000);
    expect(retryDelayMs(1, 120_000, policy)).toBeUndefined();
    expect(retryDelayMs(1, undefined, policy, () => 0)).toBe(500);
    expect(retryDelayMs(3, undefined, policy, () => 0)).toBe(2000);
    expect(retryDelayMs(3, undefined, policy, () => 1)).toBe(1500);
    expect(retryDelayMs(10, undefined, policy, () => 0)).toBe(8000);
  });
});

describe('connection limiter', () => {
  afterEach(() => vi.useRealTimers());

  it('lets at most requestsPerMinute requests through in a sliding minute', async () => {
    vi.useFakeTimers();
    const limiter = new ConnectionLimiter();
    const limits = { maxConcurrency: 10, requestsPerMinute: 3 };
    const passed: number[] = [];
    for (let i = 0; i < 5; i++) void limiter.request(limits).then(() => passed.push(i));
    await vi.advanceTimersByTimeAsync(1000);
    expect(passed).toEqual([0, 1, 2]);
    await vi.advanceTimersByTimeAsync(59_500);
    expect(passed).toEqual([0, 1, 2, 3, 4]);
  });

  it('queues calls beyond maxConcurrency in order and lets an aborted waiter go', async () => {
    const limiter = new ConnectionLimiter();
    const limits = { maxConcurrency: 1, requestsPerMinute: 100 };
    const first = await limiter.slot(limits);
    const controller = new AbortController();
    const aborted = limiter.slot(limits, controller.signal);
    const order: string[] = [];
    const second = limiter.slot(limits).then((release) => (order.push('second'), release));
    controller.abort(new Error('cancelled'));
    await expect(aborted).rejects.toThrow('cancelled');
    first();
    (await second)();
    expect(order).toEqual(['second']);
  });
});
