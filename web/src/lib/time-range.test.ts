import { describe, expect, it } from 'vitest';
import { deploymentHref } from './deployment-link.js';
import {
  followsNow,
  parseRange,
  rangeKey,
  rangeParams,
  resolveRange,
  trendStep,
  windowAround,
  type TimeRange,
} from './time-range.js';

describe('time range URL state', () => {
  it('round-trips presets, since-now and absolute windows through URL parameters', () => {
    const ranges: TimeRange[] = [
      { kind: 'preset', preset: '24h' },
      { kind: 'since', from: Date.UTC(2026, 0, 1, 9) },
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

  it('resolves a preset and a since-now window against the clock: their end moves with it', () => {
    expect(resolveRange({ kind: 'preset', preset: '15m' }, 1_000_000_000)).toEqual({
      from: 1_000_000_000 - 900_000,
      to: 1_000_000_000,
    });
    const since: TimeRange = { kind: 'since', from: 1_000_000 };
    expect(resolveRange(since, 5_000_000)).toEqual({ from: 1_000_000, to: 5_000_000 });
    expect(resolveRange(since, 9_000_000)).toEqual({ from: 1_000_000, to: 9_000_000 });
    expect(followsNow(since)).toBe(true);
    expect(followsNow({ kind: 'absolute', from: 1, to: 2 })).toBe(false);
  });
});

describe('rangeKey', () => {
  it('ignores other parameters and inverts through parseRange', () => {
    const a = rangeKey(new URLSearchParams('range=6h&deployment=d1'));
    expect(a).toBe(rangeKey(new URLSearchParams('deployment=d2&range=6h')));
    expect(parseRange(new URLSearchParams(a))).toEqual({ kind: 'preset', preset: '6h' });
  });
});

describe('windowAround', () => {
  const MIN = 60_000;
  const at = Date.UTC(2026, 0, 1, 12);

  it('shows a recent deployment with at least an hour before it, up to now', () => {
    expect(windowAround(at, at + 12 * MIN)).toEqual({ from: at - 60 * MIN, to: at + 12 * MIN });
    expect(windowAround(at, at + 90 * MIN)).toEqual({ from: at - 180 * MIN, to: at + 90 * MIN });
  });

  it('centres an old deployment in at most six hours either side', () => {
    expect(windowAround(at, at + 3 * 86_400_000)).toEqual({ from: at - 360 * MIN, to: at + 360 * MIN });
  });

  const linkFor = (now: number) =>
    new URL(
      deploymentHref(
        { prompt: 'support triage', environment: 'production', deploymentId: 'd1', time: new Date(at).toISOString() },
        now,
      ),
      'http://x',
    );

  it('links a recent deployment with a window that follows now, the deployment panel open', () => {
    const link = linkFor(at + 12 * MIN);
    expect(link.pathname).toBe('/prompts/support%20triage/environments/production');
    expect(Object.fromEntries(link.searchParams)).toEqual({
      since: new Date(at - 60 * MIN).toISOString(),
      deployment: 'd1',
    });
  });

  it('links an old deployment with a fixed window around it', () => {
    expect(Object.fromEntries(linkFor(at + 3 * 86_400_000).searchParams)).toEqual({
      from: new Date(at - 360 * MIN).toISOString(),
      to: new Date(at + 360 * MIN).toISOString(),
      deployment: 'd1',
    });
  });
});

describe('trendStep', () => {
  it('asks for the finest step giving at most 60 points over each preset', () => {
    const steps = ['15m', '1h', '6h', '24h', '7d', '30d'].map((preset) =>
      trendStep(resolveRange({ kind: 'preset', preset } as TimeRange, 0)),
    );
    expect(steps).toEqual(['1m', '1m', '10m', '30m', '3h', '1d']);
  });
});
