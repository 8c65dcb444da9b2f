import { describe, expect, it } from 'vitest';
import { deploymentHref } from './deployment-link.js';
import {
  parseRange,
  rangeKey,
  rangeParams,
  resolveRange,
  trendStep,
  windowAround,
  type TimeRange,
} from './time-range.js';

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

  it('links the on-call view with that absolute window and the deployment panel open', () => {
    const link = new URL(
      deploymentHref(
        { prompt: 'support triage', environment: 'production', deploymentId: 'd1', time: new Date(at).toISOString() },
        at + 12 * MIN,
      ),
      'http://x',
    );
    expect(link.pathname).toBe('/prompts/support%20triage/environments/production');
    expect(Object.fromEntries(link.searchParams)).toEqual({
      from: new Date(at - 60 * MIN).toISOString(),
      to: new Date(at + 12 * MIN).toISOString(),
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
