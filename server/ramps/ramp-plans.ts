import { randomUUID } from 'node:crypto';
import { badRequest, conflict } from '../http/errors.js';
import type { DeploymentEvent } from '../registry/deployment-event.js';
import type { EventDraft } from '../registry/deployment-plans.js';
import type { LaneState } from '../registry/environment-state.js';
import { activeRamp, deriveRamps, type RampState } from './ramp-state.js';
import { describeStrategy, type Strategy } from './strategy.js';

/**
 * Pure decisions for ramps, like deployment-plans.ts for deploys: given the lane (state and events) and a request,
 * the event to record, or a 409 saying why not. Every event of a ramp carries its id, step and strategy.
 */
export type RampDraft = EventDraft & { id?: string };

/** Starts a ramp of `version` at its first step (`canary_start` whose ramp id is its own id). */
export function planRampStart(state: LaneState, version: number, strategy: Strategy): RampDraft {
  const stable = state.stableVersion;
  const first = strategy.steps[0];
  if (!first) throw badRequest('strategy.steps: must hold at least one step', 'strategy.steps');
  if (stable === null) {
    throw conflict('nothing is live yet, so there is nothing to ramp from: deploy a first version without a strategy');
  }
  if (stable === version) throw conflict(`version ${version} is already the stable version; a ramp needs another`);
  if (state.canary) {
    const what = state.canary.ramp ? `a ramp (${state.canary.ramp.id})` : 'a canary';
    throw conflict(`${what} of version ${state.canary.version} is in progress: promote or abort it first`);
  }
  const id = randomUUID();
  return {
    id,
    kind: 'canary_start',
    version,
    previousVersion: stable,
    canaryPercent: first.percent,
    ramp: { id, step: 0, strategy },
  };
}

/** The ramp with this id, active (running or paused) in these lane events, or a 409 saying what became of it. */
export function requireActiveRamp(events: readonly DeploymentEvent[], rampId: string): RampState {
  const ramp = deriveRamps(events).find((r) => r.id === rampId);
  if (!ramp) throw conflict(`deployment "${rampId}" did not start a ramp`);
  if (activeRamp(events)?.id !== ramp.id) {
    const end = ramp.endedBy ? ` by ${ramp.endedBy.kind} of version ${ramp.endedBy.version}` : '';
    throw conflict(`the ramp ${rampId} is ${ramp.status}${end}`);
  }
  return ramp;
}

const member = (ramp: RampState, step: number) => ({ id: ramp.id, step, strategy: ramp.strategy });

/** An event that leaves the traffic as it is: pause or resume. */
function hold(ramp: RampState, kind: 'ramp_pause' | 'ramp_resume'): RampDraft {
  return {
    kind,
    version: ramp.candidate,
    previousVersion: ramp.stable,
    canaryPercent: ramp.percent,
    ramp: member(ramp, ramp.step),
  };
}

export function planPause(ramp: RampState): RampDraft {
  if (ramp.status === 'paused') throw conflict(`the ramp ${ramp.id} is already paused`);
  return hold(ramp, 'ramp_pause');
}

export function planResume(ramp: RampState): RampDraft {
  if (ramp.status !== 'paused') throw conflict(`the ramp ${ramp.id} is not paused`);
  return hold(ramp, 'ramp_resume');
}

/**
 * Moves the ramp to `step` (0-based; forward or back); `step` = the number of steps means the end: the version takes
 * all traffic (`canary_promote`).
 */
export function planStep(ramp: RampState, step: number): RampDraft {
  const steps = ramp.strategy.steps;
  if (!Number.isInteger(step) || step < 0 || step > steps.length) {
    throw badRequest(`step: must be from 1 to ${steps.length + 1} (${describeStrategy(ramp.strategy)})`, 'step');
  }
  if (step === ramp.step) throw conflict(`the ramp ${ramp.id} is already at step ${step + 1}`);
  const target = steps[step];
  if (!target) {
    return {
      kind: 'canary_promote',
      version: ramp.candidate,
      previousVersion: ramp.stable,
      canaryPercent: 100,
      ramp: member(ramp, steps.length),
    };
  }
  return {
    kind: 'canary_start',
    version: ramp.candidate,
    previousVersion: ramp.stable,
    canaryPercent: target.percent,
    ramp: member(ramp, step),
  };
}

/** Withdraws the candidate: the stable version takes all traffic again (`canary_abort`). */
export function planAbort(ramp: RampState): RampDraft {
  return {
    kind: 'canary_abort',
    version: ramp.stable,
    previousVersion: ramp.candidate,
    canaryPercent: null,
    ramp: member(ramp, ramp.step),
  };
}
