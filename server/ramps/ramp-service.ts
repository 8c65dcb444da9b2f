import type { Actor } from '../http/auth.js';
import { notFound } from '../http/errors.js';
import { findDeploymentEvent } from '../registry/deployment-queries.js';
import { writeLane, type LaneWrite } from '../registry/lane-writer.js';
import type { RegistryDeps } from '../registry/registry-deps.js';
import { planAbort, planPause, planResume, planStep, requireActiveRamp, type RampDraft } from './ramp-plans.js';
import type { RampState } from './ramp-state.js';

/**
 * Changes to a running ramp, by a person (pause, resume, skip to a step, abort) or by the ramp controller (advance,
 * complete, pause for a reason). Each is a deployment event of the ramp, written under the lane's lock like every
 * deployment (lane-writer.ts), with its actor and reason: the audit trail and the markers on the charts.
 */
export interface RampAction {
  rampId: string;
  actor: Actor;
  reason: string;
}

export type RampPlan = (ramp: RampState) => RampDraft;

export async function changeRamp(deps: RegistryDeps, action: RampAction, plan: RampPlan): Promise<LaneWrite> {
  const start = await findDeploymentEvent(deps.store, action.rampId);
  if (!start || start.rampId !== start.id) throw notFound(`ramp "${action.rampId}" does not exist`, 'id');
  const target = { prompt: start.prompt, environment: start.environment, actor: action.actor };
  return writeLane(deps, target, (_state, events) => ({
    ...plan(requireActiveRamp(events, action.rampId)),
    reason: action.reason,
  }));
}

export const pauseRamp = (deps: RegistryDeps, action: RampAction) => changeRamp(deps, action, planPause);
export const resumeRamp = (deps: RegistryDeps, action: RampAction) => changeRamp(deps, action, planResume);
export const abortRamp = (deps: RegistryDeps, action: RampAction) => changeRamp(deps, action, planAbort);
/** `step` 0-based; the number of steps means "to 100 % now". */
export const skipRamp = (deps: RegistryDeps, action: RampAction & { step: number }) =>
  changeRamp(deps, action, (ramp) => planStep(ramp, action.step));
