import { describe, expect, it } from 'vitest';
import { parseRange, rangeKey, rangeParams, resolveRange, type TimeRange } from './time-range.js';

describe('time range URL state', () => {
  it('round-trips presets and absolute windows through URL parameters', () => {
    const ranges: TimeRange[] = [
      { kind: 'preset', preset: '24h' },
      { kind: 'absolute', from: Date.UTC(2026, 0, 1, 10), to: Date.UTC(2026, 0, 1, 12) },
    ];
    for (const range of ranges) {
      expect(parseRange(new URLSearchParams(rangeParams(range)))).toEqual(range);
    }
  });

  it('accepts epoch milliseconds and falls back on anything unreadable', () => {
    expect(parseRange(new URLSearchParams('from=1000&to=2000'))).toEqual({ kind: 'absolute', from: 1000, to: 2000 });
    const fallback: TimeRange = { kind: 'preset', preset: '6h' };
    expect(parseRange(new URLSearchParams('range=2y'), fallback)).toEqual(fallback);
    expect(parseRange(new URLSearchParams('from=2000&to=1000'), fallback)).toEqual(fallback);
    expect(parseRange(new URLSearchParams('from=yesterday&to=now'), fallback)).toEqual(fallback);
  });

  it('resolves a preset against the clock', () => {
    expect(resolveRange({ kind: 'preset', preset: '15m' }, 1_000_000_000)).toEqual({
      from: 1_000_000_000 - 900_000,
      to: 1_000_000_000,
    });
  });
});

describe('rangeKey', () => {
  it('ignores other parameters and inverts through parseRange', () => {
    const a = rangeKey(new URLSearchParams('range=6h&deployment=d1'));
    expect(a).toBe(rangeKey(new URLSearchParams('deployment=d2&range=6h')));
    expect(parseRange(new URLSearchParams(a))).toEqual({ kind: 'preset', preset: '6h' });
  });
});
