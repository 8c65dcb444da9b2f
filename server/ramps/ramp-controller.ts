import { detectorConfigFor } from '../analysis/detector-config.js';
import type { Actor } from '../http/auth.js';
import type { DeploymentEvent } from '../registry/deployment-event.js';
import { listEnvironments } from '../registry/environment-queries.js';
import { writeLane } from '../registry/lane-writer.js';
import type { RegistryDeps } from '../registry/registry-deps.js';
import { decideRamp, type RampDecision } from './ramp-machine.js';
import { planPause, planStep, requireActiveRamp, type RampDraft } from './ramp-plans.js';
import { latestAnalyses, rampLanes } from './ramp-queries.js';
import { activeRamp, type RampState } from './ramp-state.js';
import { stepAnalysisOf } from './step-analysis.js';

/**
 * The actor of what ramps do by themselves (advance, complete, pause for a reason), with a deployer's rights: in a
 * protected environment it only moves a ramp whose start was reviewed (lane-authorization.ts: `reviewed_canary`).
 */
export const RAMP_ACTOR: Actor = { name: 'ramp', role: 'deployer' };
/** Ramps with no event for this long are no longer walked (a paused ramp forgotten for weeks stays paused). */
export const RAMP_LOOKBACK_MS = 30 * 86_400_000;

export interface RampOutcome {
  ramp: RampState;
  decision: RampDecision;
  /** The event written, when the decision moved the ramp. */
  event: DeploymentEvent | null;
}

/**
 * Walks every running ramp once (run by the analysis loop after each evaluation of the deployments): reads the
 * lanes with ramps, the environments and the latest analysis of each current step (three queries whatever the
 * number of ramps), asks
 * the ramp machine what to do and records it. A write is made only if the lane has not moved since it was read
 * (a person acting at the same moment wins). Failing steps are rolled back by the analysis loop's automatic
 * rollback (the environment's policy); a ramp never advances past a failing step.
 */
export async function runRamps(deps: RegistryDeps, now: number): Promise<RampOutcome[]> {
  const [lanes, environmentList] = await Promise.all([
    rampLanes(deps.store, now - RAMP_LOOKBACK_MS),
    listEnvironments(deps.store),
  ]);
  const environments = new Map(environmentList.map((e) => [e.name, e]));
  const running = [...lanes.values()]
    .map((events) => ({ events, ramp: activeRamp(events) }))
    .filter((l): l is { events: DeploymentEvent[]; ramp: RampState } => l.ramp?.status === 'running');
  const analyses = await latestAnalyses(
    deps.store,
    running.map((r) => r.ramp.stepDeploymentId),
  );
  const outcomes: RampOutcome[] = [];
  for (const { events, ramp } of running) {
    const environment = environments.get(ramp.environment);
    const analysis = analyses.get(ramp.stepDeploymentId);
    const config = detectorConfigFor(environment).config;
    const decision = decideRamp({
      ramp,
      analysis: analysis ? stepAnalysisOf(analysis, config) : null,
      autoRollback: environment?.policies.autoRollback ?? false,
      now,
    });
    const plan = planOf(decision);
    let event: DeploymentEvent | null = null;
    if (plan) {
      try {
        event = await act(deps, ramp, events.at(-1)?.id ?? null, plan, decision.reason, now);
      } catch (err) {
        deps.log.error('ramp step failed', {
          rampId: ramp.id,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
    outcomes.push({ ramp, decision, event });
  }
  return outcomes;
}

function planOf(decision: RampDecision): ((ramp: RampState) => RampDraft) | null {
  switch (decision.action) {
    case 'advance':
      return (ramp) => planStep(ramp, decision.step);
    case 'complete':
      return (ramp) => planStep(ramp, ramp.strategy.steps.length);
    case 'pause':
      return planPause;
    default:
      return null;
  }
}

/** Writes the ramp's next event at `now` unless the lane moved since `seenLatestId` was read. */
async function act(
  deps: RegistryDeps,
  ramp: RampState,
  seenLatestId: string | null,
  plan: (ramp: RampState) => RampDraft,
  reason: string,
  now: number,
): Promise<DeploymentEvent | null> {
  const target = { prompt: ramp.prompt, environment: ramp.environment, actor: RAMP_ACTOR };
  const write = await writeLane(deps, target, (state, events) => {
    if ((state.latest?.id ?? null) !== seenLatestId) return null;
    const latest = state.latest ? Date.parse(state.latest.time) + 1 : now;
    return {
      ...plan(requireActiveRamp(events, ramp.id)),
      reason,
      time: new Date(Math.max(now, latest)).toISOString(),
    };
  });
  return write.created ? write.event : null;
}
