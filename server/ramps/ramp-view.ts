import type { DeploymentAnalysis } from '../analysis/analyze-deployment.js';
import type { DeploymentEvent } from '../registry/deployment-event.js';
import type { DetectorConfig } from '../stats/index.js';
import { decideRamp } from './ramp-machine.js';
import type { RampPause, RampState, RampStatus } from './ramp-state.js';
import type { Strategy } from './strategy.js';
import { stepAnalysisOf } from './step-analysis.js';

/** A ramp as the API returns it (`GET /api/v1/ramps`, `GET /api/v1/ramps/{id}`). */
export interface RampView {
  /** The id of the ramp's first step (a deployment event). */
  id: string;
  prompt: string;
  environment: string;
  candidate: number;
  stable: number;
  strategy: Strategy;
  status: RampStatus;
  /** The current step: its index (0-based), share of traffic and deployment event. */
  stepIndex: number;
  percent: number;
  stepDeploymentId: string;
  stepStartedAt: string;
  /** When the step may end at the earliest, and how long until then (0 once reached; null once the ramp ended). */
  stepDueAt: string;
  timeLeftMs: number | null;
  pause: RampPause | null;
  startedAt: string;
  startedBy: string;
  /** How the ramp ended. */
  ended: { kind: string; time: string; actor: string; reason: string; deploymentId: string } | null;
  /** The latest analysis of the current step (canary arm against stable arm since the step began). */
  stepVerdict: { verdict: string; reason: string; complete: boolean; evaluatedAt: string } | null;
  /** What the ramp does next, in words ("step 2 of 3 (25%): 12 min left (pass)"); null unless running. */
  outlook: string | null;
  events: DeploymentEvent[];
}

export function rampView(
  ramp: RampState,
  analysis: DeploymentAnalysis | undefined,
  policy: { autoRollback: boolean; config: DetectorConfig },
  now: number,
): RampView {
  const step = analysis?.deploymentId === ramp.stepDeploymentId ? analysis : undefined;
  const running = ramp.status === 'running';
  const decision = running
    ? decideRamp({
        ramp,
        analysis: step ? stepAnalysisOf(step, policy.config) : null,
        autoRollback: policy.autoRollback,
        now,
      })
    : null;
  const active = running || ramp.status === 'paused';
  const end = ramp.endedBy;
  return {
    id: ramp.id,
    prompt: ramp.prompt,
    environment: ramp.environment,
    candidate: ramp.candidate,
    stable: ramp.stable,
    strategy: ramp.strategy,
    status: ramp.status,
    stepIndex: ramp.step,
    percent: ramp.percent,
    stepDeploymentId: ramp.stepDeploymentId,
    stepStartedAt: ramp.stepStartedAt,
    stepDueAt: ramp.stepDueAt,
    timeLeftMs: active ? Math.max(0, Date.parse(ramp.stepDueAt) - now) : null,
    pause: ramp.pause,
    startedAt: ramp.startedAt,
    startedBy: ramp.startedBy,
    ended: end && { kind: end.kind, time: end.time, actor: end.actor, reason: end.reason, deploymentId: end.id },
    stepVerdict: step
      ? { verdict: step.verdict, reason: step.reason, complete: step.complete, evaluatedAt: step.evaluatedAt }
      : null,
    outlook:
      decision && (decision.action === 'wait' ? decision.reason : `next: ${decision.action} — ${decision.reason}`),
    events: ramp.events,
  };
}
