import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../server/webhooks/backoff.js';

const policy = { baseMs: 1000, maxMs: 10_000 };

describe('retryDelayMs', () => {
  it('doubles per attempt and stops at the cap (no jitter at the top of the range)', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(a, policy, top))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });

  it('jitters between half and the whole of the nominal delay', () => {
    expect(retryDelayMs(3, policy, () => 0)).toBe(2000);
    for (let i = 0; i < 1000; i++) {
      const d = retryDelayMs(3, policy);
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });
});
