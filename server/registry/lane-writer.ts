import { randomUUID } from 'node:crypto';
import type { Actor } from '../http/auth.js';
import { conflict } from '../http/errors.js';
import { nowIso, timeAfter } from './clock.js';
import type { DeploymentEvent } from './deployment-event.js';
import type { EventDraft } from './deployment-plans.js';
import { insertDeploymentEvent, laneEvents } from './deployment-queries.js';
import { requireEnvironment } from './environment-service.js';
import { deriveLaneState, type LaneState } from './environment-state.js';
import { laneKey, locks } from './keyed-mutex.js';
import { authorizeLaneChange } from './lane-authorization.js';
import { publish, type RegistryDeps } from './registry-deps.js';
import { checkOverrideRole, checkReleaseGate } from './release-gate.js';

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
  reason: string;
  /** Effective time; default: now (after the lane's newest event). */
  time?: string;
  externalActor?: string | null;
}

/** The lane a write targets and on whose behalf. */
export interface LaneTarget {
  prompt: string;
  environment: string;
  actor: Actor;
  /** The approved review request this write performs (set by request approval only). */
  requestId?: string | null;
  /** An admin's reason to deploy although the environment's release gate refuses (recorded on the event). */
  gateOverride?: string | null | undefined;
}

export interface LaneWrite {
  event: DeploymentEvent;
  /** False when the request was already satisfied and nothing was recorded. */
  created: boolean;
}

/**
 * The one way deployment events are written: under the lane's lock, read the lane's events, let `decide` choose
 * the event from the current state (or `null`: nothing to do), check that the change is authorized in the
 * environment (lane-authorization.ts: a protected environment reviews what never served there) and passes its
 * release gate (release-gate.ts: a version newly served needs a passing experiment), append it and publish
 * `deployment.created`.
 */
export async function writeLane(
  deps: RegistryDeps,
  target: LaneTarget,
  decide: (state: LaneState, events: readonly DeploymentEvent[]) => LaneDecision | null,
): Promise<LaneWrite> {
  const { prompt, environment } = target;
  checkOverrideRole(target.actor, target.gateOverride);
  return locks.lane.run(laneKey(prompt, environment), async () => {
    const env = await requireEnvironment(deps.store, environment);
    const events = await laneEvents(deps.store, prompt, environment);
    const state = deriveLaneState(events);
    const decision = decide(state, events);
    if (decision === null) {
      if (!state.latest) throw new Error('a lane with nothing deployed cannot be already satisfied');
      return { event: state.latest, created: false };
    }
    const { reason, time, externalActor, id, ...draft } = decision;
    const authorization = authorizeLaneChange(state, {
      prompt,
      environment: env,
      actor: target.actor,
      requestId: target.requestId,
      draft,
    });
    const gate = await checkReleaseGate(deps.store, {
      prompt,
      environment: env,
      state,
      draft,
      actor: target.actor,
      gateOverride: target.gateOverride,
    });
    const event: DeploymentEvent = {
      id: id ?? randomUUID(),
      time: time ?? timeAfter(state.latest?.time),
      prompt,
      environment,
      kind: draft.kind,
      version: draft.version,
      previousVersion: draft.previousVersion,
      canaryPercent: draft.canaryPercent,
      actor: target.actor.name,
      reason,
      requestId: target.requestId ?? null,
      externalActor: externalActor ?? null,
      authorization,
      rampId: draft.ramp?.id ?? null,
      rampStep: draft.ramp?.step ?? null,
      strategy: draft.ramp?.strategy ?? null,
      recordedAt: nowIso(),
      gateRunId: gate?.runId ?? null,
      gateOverride: gate?.override ?? null,
    };
    await insertDeploymentEvent(deps.store, event);
    publish(deps, 'deployment.created', event);
    return { event, created: true };
  });
}
