import { describe, expect, it } from 'vitest';
import type { DeploymentEvent, Verdict } from './api-types.js';
import { failingWindows, markerLabel, markerStyle, stackFlags } from './markers.js';
import { deploymentEvent } from './test-fixtures.js';

const event = (id: string, minute: number, overrides: Partial<DeploymentEvent> = {}): DeploymentEvent =>
  deploymentEvent({ id, time: new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString(), ...overrides });

describe('deployment markers', () => {
  it('styles rollbacks, automatic rollbacks, canaries and external deployments apart from deploys', () => {
    expect(markerStyle(event('a', 0))).toBe('deploy');
    expect(markerStyle(event('a', 0, { kind: 'rollback' }))).toBe('rollback');
    expect(markerStyle(event('a', 0, { kind: 'rollback', actor: 'auto-rollback' }))).toBe('auto-rollback');
    expect(markerStyle(event('a', 0, { kind: 'canary_start', canaryPercent: 10 }))).toBe('canary');
    expect(markerStyle(event('a', 0, { kind: 'external' }))).toBe('external');
  });

  it('labels a marker with version, kind and actor', () => {
    expect(markerLabel(event('a', 0, { version: 3 }))).toBe('v3 · deploy · alice');
    expect(markerLabel(event('a', 0, { kind: 'canary_start', canaryPercent: 10 }))).toBe('v2 · canary 10% · alice');
    expect(markerLabel(event('a', 0, { kind: 'external', actor: 'ci-key', externalActor: 'github' }))).toBe(
      'v2 · external · github',
    );
    expect(markerLabel(event('a', 0, { kind: 'rollback', actor: 'auto-rollback', version: 1 }))).toBe(
      'v1 · auto-rollback · auto-rollback',
    );
  });

  it('draws and labels the steps, pauses, resumes and ends of a ramp', () => {
    const ramp = {
      rampId: 'r1',
      strategy: {
        steps: [
          { percent: 5, minutes: 10 },
          { percent: 25, minutes: 10 },
        ],
      },
    };
    const step = event('r2', 0, { ...ramp, kind: 'canary_start', canaryPercent: 25, rampStep: 1 });
    expect([markerStyle(step), markerLabel(step)]).toEqual(['canary', 'v2 · ramp 25% (step 2/2) · alice']);
    const pause = event('p', 1, { ...ramp, kind: 'ramp_pause' });
    expect([markerStyle(pause), markerLabel(pause)]).toEqual(['pause', 'v2 · ramp paused · alice']);
    const resume = event('q', 2, { ...ramp, kind: 'ramp_resume' });
    expect([markerStyle(resume), markerLabel(resume)]).toEqual(['resume', 'v2 · ramp resumed · alice']);
    const rolledBack = event('x', 3, { ...ramp, kind: 'canary_abort', actor: 'auto-rollback' });
    expect([markerStyle(rolledBack), markerLabel(rolledBack)]).toEqual([
      'auto-rollback',
      'v2 · ramp auto-rollback · auto-rollback',
    ]);
  });

  it('shades a failing deployment until the next event, or the end of the view', () => {
    const events = [event('d2', 10), event('d1', 0), event('r1', 30, { kind: 'rollback' }), event('d3', 40)];
    const verdicts = new Map<string, Verdict>([
      ['d1', 'pass'],
      ['d2', 'fail'],
      ['d3', 'warn'],
    ]);
    const end = Date.UTC(2026, 0, 1, 13);
    expect(failingWindows(events, verdicts, end)).toEqual([
      { deploymentId: 'd2', from: Date.UTC(2026, 0, 1, 12, 10), to: Date.UTC(2026, 0, 1, 12, 30), verdict: 'fail' },
      { deploymentId: 'd3', from: Date.UTC(2026, 0, 1, 12, 40), to: end, verdict: 'warn' },
    ]);
  });
});

describe('stackFlags', () => {
  it('puts flags that would overlap on separate rows, reusing rows when there is room', () => {
    expect(stackFlags([0, 50, 100, 300], 120)).toEqual([0, 1, 2, 0]);
    expect(stackFlags([300, 0], 120)).toEqual([0, 0]);
  });

  it('never uses more than the allowed rows', () => {
    expect(Math.max(...stackFlags([0, 1, 2, 3, 4, 5], 100, 3))).toBe(2);
  });
});
