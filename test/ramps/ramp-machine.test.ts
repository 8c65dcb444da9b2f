import { describe, expect, it } from 'vitest';
import type { DeploymentEvent } from '../../server/registry/deployment-event.js';
import { decideRamp, type StepAnalysis } from '../../server/ramps/ramp-machine.js';
import { activeRamp, deriveRamps, type RampState } from '../../server/ramps/ramp-state.js';
import type { Strategy } from '../../server/ramps/strategy.js';

const MIN = 60_000;
const T0 = Date.parse('2026-12-01T10:00:00Z');
const STRATEGY: Strategy = {
  steps: [
    { percent: 5, minutes: 15 },
    { percent: 25, minutes: 30 },
    { percent: 50, minutes: 30 },
  ],
};
let seq = 0;

function event(kind: DeploymentEvent['kind'], minute: number, fields: Partial<DeploymentEvent> = {}): DeploymentEvent {
  const time = new Date(T0 + minute * MIN).toISOString();
  return {
    id: `e${++seq}`,
    time,
    prompt: 'faq',
    environment: 'production',
    kind,
    version: 2,
    previousVersion: 1,
    canaryPercent: null,
    actor: 'alice',
    reason: '',
    requestId: null,
    externalActor: null,
    authorization: null,
    rampId: null,
    rampStep: null,
    strategy: null,
    recordedAt: time,
    gateRunId: null,
    gateOverride: null,
    ...fields,
  };
}

const deploy1 = () => event('deploy', -60, { version: 1, previousVersion: null });
function rampStart(minute = 0): DeploymentEvent {
  const e = event('canary_start', minute, { canaryPercent: 5, rampStep: 0, strategy: STRATEGY });
  return { ...e, rampId: e.id };
}
const step = (ramp: DeploymentEvent, index: number, minute: number, actor = 'ramp') =>
  event('canary_start', minute, {
    canaryPercent: STRATEGY.steps[index]?.percent ?? null,
    rampId: ramp.id,
    rampStep: index,
    strategy: STRATEGY,
    actor,
  });
const own = (ramp: DeploymentEvent, kind: DeploymentEvent['kind'], minute: number, reason = '') =>
  event(kind, minute, { rampId: ramp.id, rampStep: 0, strategy: STRATEGY, reason, canaryPercent: 5 });

function analysis(ramp: RampState, fields: Partial<StepAnalysis>): StepAnalysis {
  return {
    deploymentId: ramp.stepDeploymentId,
    verdict: 'pass',
    complete: true,
    reason: 'no regression detected',
    evaluatedAt: new Date(T0).toISOString(),
    missing: [],
    ...fields,
  };
}

describe('ramp state', () => {
  it('follows the steps, pauses and resumes of a ramp, and its end', () => {
    const start = rampStart();
    const events = [deploy1(), start, step(start, 1, 16)];
    let ramp = activeRamp(events) as RampState;
    expect(ramp).toMatchObject({ id: start.id, candidate: 2, stable: 1, status: 'running', step: 1, percent: 25 });
    expect(ramp.stepDueAt).toBe(new Date(T0 + 46 * MIN).toISOString());

    events.push(own(start, 'ramp_pause', 20, 'looking at a dashboard'));
    ramp = activeRamp(events) as RampState;
    expect(ramp.status).toBe('paused');
    expect(ramp.pause).toMatchObject({ actor: 'alice', reason: 'looking at a dashboard' });

    // A resume gives the step its full time again.
    events.push(own(start, 'ramp_resume', 50));
    ramp = activeRamp(events) as RampState;
    expect(ramp).toMatchObject({ status: 'running', pause: null, step: 1 });
    expect(ramp.stepDueAt).toBe(new Date(T0 + 80 * MIN).toISOString());

    events.push(event('canary_promote', 90, { canaryPercent: 100, rampId: start.id }));
    expect(activeRamp(events)).toBeNull();
    expect(deriveRamps(events).at(-1)).toMatchObject({ status: 'completed', events: { length: 5 } });
  });

  it('ends as aborted when the canary is withdrawn, and as replaced by another change', () => {
    const start = rampStart();
    const aborted = [deploy1(), start, event('canary_abort', 3, { version: 1, previousVersion: 2 })];
    expect(deriveRamps(aborted).at(-1)?.status).toBe('aborted');
    const replaced = [deploy1(), start, event('deploy', 3, { version: 3, previousVersion: 1 })];
    expect(deriveRamps(replaced).at(-1)).toMatchObject({ status: 'replaced', endedBy: { version: 3 } });
    const manual = [deploy1(), start, event('canary_start', 3, { canaryPercent: 50 })];
    expect(deriveRamps(manual).at(-1)?.status).toBe('replaced');
    expect(deriveRamps([deploy1()])).toEqual([]);
  });
});

describe('ramp decisions', () => {
  const start = rampStart();
  const ramp = activeRamp([deploy1(), start]) as RampState;
  const at = (minute: number) => T0 + minute * MIN;

  it('waits while the step runs, then advances on a complete pass, and completes after the last step', () => {
    expect(decideRamp({ ramp, analysis: analysis(ramp, {}), autoRollback: true, now: at(10) })).toMatchObject({
      action: 'wait',
      reason: 'step 1 of 3 (5%): 5 min left (pass)',
    });
    expect(decideRamp({ ramp, analysis: analysis(ramp, {}), autoRollback: true, now: at(15) })).toMatchObject({
      action: 'advance',
      step: 1,
      percent: 25,
    });
    const last = activeRamp([deploy1(), start, step(start, 2, 50)]) as RampState;
    expect(decideRamp({ ramp: last, analysis: analysis(last, {}), autoRollback: true, now: at(81) })).toMatchObject({
      action: 'complete',
    });
  });

  it('never advances a failing step: waits for the automatic rollback, or pauses when it is off', () => {
    const failing = analysis(ramp, { verdict: 'fail', reason: 'quality 0.85 → 0.70' });
    expect(decideRamp({ ramp, analysis: failing, autoRollback: true, now: at(20) }).action).toBe('wait');
    const paused = decideRamp({ ramp, analysis: failing, autoRollback: false, now: at(3) });
    expect(paused.action).toBe('pause');
    expect(paused.reason).toContain('automatic rollback is off');
    expect(paused.reason).toContain('quality 0.85 → 0.70');
  });

  it('pauses at the end of a step without a verdict, saying what is missing and how long it would take', () => {
    const low = analysis(ramp, {
      verdict: 'collecting',
      complete: false,
      missing: [
        { metric: 'error_rate', have: 140, needed: 1000, perMinute: 10 },
        { metric: 'quality', have: 0, needed: 500, perMinute: 0 },
      ],
    });
    const decision = decideRamp({ ramp, analysis: low, autoRollback: true, now: at(15) });
    expect(decision.action).toBe('pause');
    expect(decision.reason).toContain('error_rate 140 / 1000 samples per arm (≈ 86 min more at this traffic)');
    expect(decision.reason).toContain('quality 0 / 500 samples per arm (no traffic yet)');
    expect(decideRamp({ ramp, analysis: null, autoRollback: true, now: at(15) })).toMatchObject({
      action: 'pause',
      reason: expect.stringContaining('not evaluated yet') as string,
    });
    // The analysis of an earlier step does not count for this one.
    const stale = { ...analysis(ramp, {}), deploymentId: 'another-step' };
    expect(decideRamp({ ramp, analysis: stale, autoRollback: true, now: at(15) }).action).toBe('pause');
  });

  it('pauses on a warning at the end of a step, and does nothing while paused', () => {
    const warn = analysis(ramp, { verdict: 'warn', reason: 'cost ×1.3' });
    expect(decideRamp({ ramp, analysis: warn, autoRollback: true, now: at(14) }).action).toBe('wait');
    expect(decideRamp({ ramp, analysis: warn, autoRollback: true, now: at(15) })).toMatchObject({ action: 'pause' });
    const paused = activeRamp([deploy1(), start, own(start, 'ramp_pause', 2)]) as RampState;
    expect(decideRamp({ ramp: paused, analysis: analysis(paused, {}), autoRollback: true, now: at(99) }).action).toBe(
      'none',
    );
  });
});
