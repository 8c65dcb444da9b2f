import { describe, expect, it } from 'vitest';
import { decideManualStep, decideMonitorStep, type MonitorOutcome } from '../../../server/alerts/alert-transitions.js';
import type { Alert } from '../../../server/alerts/alert-types.js';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const outcome = (level: MonitorOutcome['level']) => ({ level, facts: {} as MonitorOutcome['facts'] });
const open = (extra: Partial<Alert> = {}) =>
  ({ alertId: 'a', status: 'firing', level: 'warning', lastNotifiedAt: '2026-12-03T11:50:00Z', ...extra }) as Alert;
const policy = { noData: 'keep' as const, renotifyMinutes: 0 };

describe('decideMonitorStep', () => {
  it('fires at the level reached, and does nothing while ok', () => {
    expect(decideMonitorStep(undefined, outcome('critical'), policy, NOW)).toMatchObject({
      kind: 'fired',
      status: 'firing',
      level: 'critical',
    });
    expect(decideMonitorStep(undefined, outcome('ok'), policy, NOW)).toBeNull();
  });

  it('resolves when the condition clears', () => {
    expect(decideMonitorStep(open(), outcome('ok'), policy, NOW)).toEqual({
      kind: 'resolved',
      status: 'resolved',
      level: 'warning',
      note: 'the condition cleared',
    });
  });

  it('changes level; escalating fires again even when acknowledged, de-escalating keeps the acknowledgement', () => {
    expect(decideMonitorStep(open({ status: 'acknowledged' }), outcome('critical'), policy, NOW)).toMatchObject({
      kind: 'level_changed',
      status: 'firing',
      level: 'critical',
    });
    expect(
      decideMonitorStep(open({ status: 'acknowledged', level: 'critical' }), outcome('warning'), policy, NOW),
    ).toMatchObject({
      kind: 'level_changed',
      status: 'acknowledged',
      note: 'critical → warning',
    });
  });

  it('reminds a firing alert once the interval passed, never an acknowledged one', () => {
    const remind = { ...policy, renotifyMinutes: 10 };
    expect(decideMonitorStep(open(), outcome('warning'), remind, NOW)).toMatchObject({ kind: 'renotified' });
    expect(decideMonitorStep(open(), outcome('warning'), remind, NOW - 1)).toBeNull();
    expect(decideMonitorStep(open({ status: 'acknowledged' }), outcome('warning'), remind, NOW)).toBeNull();
    expect(decideMonitorStep(open(), outcome('warning'), policy, NOW + 86_400_000)).toBeNull();
  });

  it('handles no data as configured', () => {
    expect(decideMonitorStep(open(), outcome('no_data'), policy, NOW)).toBeNull();
    expect(decideMonitorStep(open(), outcome('no_data'), { ...policy, noData: 'resolve' }, NOW)).toMatchObject({
      kind: 'resolved',
      note: 'no data (the monitor resolves on no data)',
    });
    expect(decideMonitorStep(undefined, outcome('no_data'), { ...policy, noData: 'alert' }, NOW)).toMatchObject({
      kind: 'fired',
      level: 'warning',
    });
  });
});

describe('decideManualStep', () => {
  it('acknowledges a firing alert and resolves an open one; refuses the rest', () => {
    expect(decideManualStep(open(), 'acknowledge', 'on it')).toMatchObject({ kind: 'acknowledged', note: 'on it' });
    expect(decideManualStep(open({ status: 'acknowledged' }), 'acknowledge', '')).toEqual({
      refused: 'alert a is already acknowledged',
    });
    expect(decideManualStep(open({ status: 'acknowledged' }), 'resolve', '')).toMatchObject({
      kind: 'resolved',
      note: 'resolved by hand',
    });
    expect(decideManualStep(open({ status: 'resolved' }), 'resolve', '')).toEqual({
      refused: 'alert a is already resolved',
    });
  });
});
