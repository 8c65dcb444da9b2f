import { describe, expect, it } from 'vitest';
import { timeTicks } from './time-ticks.js';

describe('timeTicks', () => {
  const at = (hh: number, mm: number) => Date.UTC(2026, 10, 21, hh, mm);

  it('puts ticks on round minutes inside the window', () => {
    // 15:32 → 16:20: 48 minutes, at most 8 ticks → every 10 minutes.
    expect(timeTicks(at(15, 32), at(16, 20), 8, 0)).toEqual([
      at(15, 40),
      at(15, 50),
      at(16, 0),
      at(16, 10),
      at(16, 20),
    ]);
  });

  it('rounds in local time', () => {
    // Six hours in UTC+05:30: every hour on the local hour, i.e. at :30 UTC.
    const ticks = timeTicks(at(10, 5), at(16, 5), 8, 5.5 * 3_600_000);
    expect(ticks[0]).toBe(at(10, 30));
    expect(ticks).toHaveLength(6);
  });
});
