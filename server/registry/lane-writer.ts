import { randomUUID } from 'node:crypto';
import { conflict } from '../http/errors.js';
import { nowIso, timeAfter } from './clock.js';
import type { DeploymentEvent } from './deployment-event.js';
import type { EventDraft } from './deployment-plans.js';
import { insertDeploymentEvent, laneEvents } from './deployment-queries.js';
import { deriveLaneState, type LaneState } from './environment-state.js';
import { laneKey, locks } from './keyed-mutex.js';
import { publish, type RegistryDeps } from './registry-deps.js';

/**
 * Throws a 409 when the caller expected another latest event (`null`: expected nothing deployed yet); the body
 * carries the lane's current deployment as `current` beside the error.
 */
export function checkExpected(state: LaneState, expected: string | null | undefined): void {
  if (expected === undefined) return;
  const current = state.latest;
  if ((current?.id ?? null) === expected) return;
  throw conflict(
    `expectedDeploymentId: the current deployment is ${current ? `"${current.id}"` : 'none'}; re-read and retry`,
    'expectedDeploymentId',
    { current },
  );
}

export interface LaneDecision extends EventDraft {
  /** The new event's id; default a fresh UUID (a ramp's first step is named before it is written). */
  id?: string;
  actor: string;
  reason: string;
  /** Effective time; default: now (after the lane's newest event). */
  time?: string;
  requestId?: string | null;
  externalActor?: string | null;
}

export interface LaneWrite {
  event: DeploymentEvent;
  /** False when the request was already satisfied and nothing was recorded. */
  created: boolean;
}

/**
 * The one way deployment events are written: under the lane's lock, read the lane's events, let `decide` choose
 * the event from the current state (or `null`: nothing to do), append it and publish `deployment.created`.
 */
export async function writeLane(
  deps: RegistryDeps,
  prompt: string,
  environment: string,
  decide: (state: LaneState, events: readonly DeploymentEvent[]) => LaneDecision | null,
): Promise<LaneWrite> {
  return locks.lane.run(laneKey(prompt, environment), async () => {
    const events = await laneEvents(deps.store, prompt, environment);
    const state = deriveLaneState(events);
    const decision = decide(state, events);
    if (decision === null) {
      if (!state.latest) throw new Error('a lane with nothing deployed cannot be already satisfied');
      return { event: state.latest, created: false };
    }
    const event: DeploymentEvent = {
      id: decision.id ?? randomUUID(),
      time: decision.time ?? timeAfter(state.latest?.time),
      prompt,
      environment,
      kind: decision.kind,
      version: decision.version,
      previousVersion: decision.previousVersion,
      canaryPercent: decision.canaryPercent,
      actor: decision.actor,
      reason: decision.reason,
      requestId: decision.requestId ?? null,
      externalActor: decision.externalActor ?? null,
      rampId: decision.ramp?.id ?? null,
      rampStep: decision.ramp?.step ?? null,
      strategy: decision.ramp?.strategy ?? null,
      recordedAt: nowIso(),
    };
    await insertDeploymentEvent(deps.store, event);
    publish(deps, 'deployment.created', event);
    return { event, created: true };
  });
}
