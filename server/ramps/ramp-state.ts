import type { DeploymentEvent } from '../registry/deployment-event.js';
import type { Strategy } from './strategy.js';

/**
 * The state of a ramp, derived by replaying its lane's deployment events (pure; never stored). A ramp starts with a
 * `canary_start` whose `rampId` is its own id (step 0), moves with `canary_start` events of later (or, skipped to by
 * hand, any) steps, is paused and resumed by `ramp_pause` / `ramp_resume`, and ends:
 *   completed  its version was promoted to 100 % (after the last step, or by hand)
 *   aborted    the canary was withdrawn (by hand, or an automatic rollback of a failing step)
 *   replaced   another change took the lane over (a deploy, a rollback, another canary)
 * A step lasts at least its minutes from when it began — or from the latest resume, which gives the step its full
 * time again (to gather what an inconclusive step lacked).
 */
export type RampStatus = 'running' | 'paused' | 'completed' | 'aborted' | 'replaced';

export interface RampPause {
  at: string;
  actor: string;
  reason: string;
}

export interface RampState {
  id: string;
  prompt: string;
  environment: string;
  /** The version being ramped up, and the stable version it replaces. */
  candidate: number;
  stable: number;
  strategy: Strategy;
  status: RampStatus;
  /** Current step index (0-based) and its share of traffic. */
  step: number;
  percent: number;
  /** The `canary_start` event of the current step: its analysis is the step's verdict. */
  stepDeploymentId: string;
  stepStartedAt: string;
  /** Earliest time the step may be left (start or latest resume + its minutes). */
  stepDueAt: string;
  pause: RampPause | null;
  startedAt: string;
  startedBy: string;
  /** The event that ended the ramp (null while it runs or is paused). */
  endedBy: DeploymentEvent | null;
  /** The ramp's events, oldest first (its steps, pauses, resumes and its end). */
  events: DeploymentEvent[];
}

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const dueAt = (from: string, minutes: number) => iso(Date.parse(from) + minutes * MIN);

export const isActive = (ramp: RampState): boolean => ramp.status === 'running' || ramp.status === 'paused';

/** Every ramp of one lane, oldest first; events in replay order. */
export function deriveRamps(events: readonly DeploymentEvent[]): RampState[] {
  const ramps: RampState[] = [];
  let current: RampState | null = null;
  for (const event of events) {
    if (event.kind === 'canary_start' && event.rampId === event.id && event.strategy) {
      if (current && isActive(current)) current = end(current, event, 'replaced');
      current = start(event, event.strategy);
      ramps.push(current);
      continue;
    }
    if (!current || !isActive(current)) continue;
    const next = apply(current, event);
    ramps[ramps.length - 1] = next;
    current = next;
  }
  return ramps;
}

/** The lane's latest ramp while it runs or is paused, else null. */
export function activeRamp(events: readonly DeploymentEvent[]): RampState | null {
  const latest = deriveRamps(events).at(-1);
  return latest && isActive(latest) ? latest : null;
}

function start(event: DeploymentEvent, strategy: Strategy): RampState {
  const first = strategy.steps[0];
  return {
    id: event.id,
    prompt: event.prompt,
    environment: event.environment,
    candidate: event.version,
    stable: event.previousVersion ?? 0,
    strategy,
    status: 'running',
    step: 0,
    percent: event.canaryPercent ?? first?.percent ?? 0,
    stepDeploymentId: event.id,
    stepStartedAt: event.time,
    stepDueAt: dueAt(event.time, first?.minutes ?? 0),
    pause: null,
    startedAt: event.time,
    startedBy: event.actor,
    endedBy: null,
    events: [event],
  };
}

function apply(ramp: RampState, event: DeploymentEvent): RampState {
  const own = event.rampId === ramp.id;
  const withEvent = { ...ramp, events: [...ramp.events, event] };
  const minutes = (step: number) => ramp.strategy.steps[step]?.minutes ?? 0;
  switch (event.kind) {
    case 'canary_start': {
      if (!own || event.rampStep === null) return end(ramp, event, 'replaced');
      return {
        ...withEvent,
        status: 'running',
        pause: null,
        step: event.rampStep,
        percent: event.canaryPercent ?? 0,
        stepDeploymentId: event.id,
        stepStartedAt: event.time,
        stepDueAt: dueAt(event.time, minutes(event.rampStep)),
      };
    }
    case 'ramp_pause':
      if (!own) return ramp;
      return { ...withEvent, status: 'paused', pause: { at: event.time, actor: event.actor, reason: event.reason } };
    case 'ramp_resume':
      if (!own) return ramp;
      return { ...withEvent, status: 'running', pause: null, stepDueAt: dueAt(event.time, minutes(ramp.step)) };
    case 'canary_promote':
      return end(ramp, event, event.version === ramp.candidate ? 'completed' : 'replaced');
    case 'canary_abort':
      return end(ramp, event, 'aborted');
    case 'deploy':
    case 'rollback':
    case 'external':
      return end(ramp, event, 'replaced');
  }
}

function end(ramp: RampState, event: DeploymentEvent, status: RampStatus): RampState {
  return { ...ramp, status, pause: null, endedBy: event, events: [...ramp.events, event] };
}
