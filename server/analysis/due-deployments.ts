import type { DeploymentEvent } from '../registry/deployment-event.js';
import type { Environment } from '../registry/environment-queries.js';
import { laneKey } from '../registry/keyed-mutex.js';
import { autoRollbackDecision, type DetectorConfig } from '../stats/index.js';
import type { LaneArrival } from './arrivals-query.js';
import { planAnalysis } from './baseline.js';
import { bakeMinutesFor } from './detector-config.js';
import type { DeploymentState } from './loop-state-query.js';

/**
 * Which deployments a run of the analysis loop re-evaluates, and why (pure). The cost of a run follows the data,
 * not the calendar:
 *   first            never evaluated (a new deployment, or one recorded late with `POST /deployments/external`)
 *   window_closed    its evaluation window closed since the last evaluation (bake over, or replaced): the final one
 *   data             spans or scores of its lane arrived since its last evaluation, for times inside its windows —
 *                    as soon as they add a tenth to what it was judged on (so a deployment waiting for samples
 *                    gets its verdict as they arrive), else once per re-evaluation interval (every run while
 *                    young, once a minute when older)
 *   late_data        the same for a window that had already closed: the final verdict is re-opened
 *   rollback_pending its latest verdict fails, it is still live with automatic rollback on, and the rule still
 *                    waits for more failing evaluations in a row or for time to pass
 * A deployment without any of these is left alone: an idle installation costs a few small queries per run.
 */
export type DueReason = 'first' | 'window_closed' | 'data' | 'late_data' | 'rollback_pending';

export interface DueDeployment {
  state: DeploymentState;
  reason: DueReason;
  /** The lane's events after the deployment, in replay order. */
  later: DeploymentEvent[];
  environment: Environment | undefined;
  config: DetectorConfig;
}

export interface DueInput {
  deployments: readonly DeploymentState[];
  lanes: ReadonlyMap<string, readonly DeploymentEvent[]>;
  environments: ReadonlyMap<string, Environment>;
  configOf: (environment: Environment | undefined) => DetectorConfig;
  arrivals: ReadonlyMap<string, LaneArrival>;
  /** The loop's clock (epoch ms). */
  now: number;
  /** Arrivals within this many ms before a watermark count as new to it (an insert becomes visible a bit late). */
  watermarkMarginMs: number;
  /** The shortest re-evaluation interval (the loop's interval). */
  minIntervalMs: number;
  /** Rows that arrived for the deployment's lane since its last evaluation, by deployment id. */
  newRows: ReadonlyMap<string, number>;
}

/** New data worth an evaluation before the interval: this share of the requests last judged. */
export const GROWTH_FOR_EVALUATION = 0.1;

const MAX_INTERVAL_MS = 60_000;

/** How often a deployment with new data is re-evaluated: every run while young, at most once a minute later on. */
export function reevaluationInterval(ageMs: number, minIntervalMs: number): number {
  return Math.min(MAX_INTERVAL_MS, Math.max(minIntervalMs, ageMs / 10));
}

/** A `canary_start` that only re-weights the canary already running belongs to the first one. */
function isReweight(deployment: DeploymentEvent, lane: readonly DeploymentEvent[], index: number): boolean {
  const previous = lane[index - 1];
  return (
    deployment.kind === 'canary_start' && previous?.kind === 'canary_start' && previous.version === deployment.version
  );
}

export function dueDeployments(input: DueInput): DueDeployment[] {
  const due: DueDeployment[] = [];
  for (const state of input.deployments) {
    const { deployment } = state;
    const switchAt = Date.parse(deployment.time);
    if (switchAt > input.now) continue;
    const lane = input.lanes.get(laneKey(deployment.prompt, deployment.environment)) ?? [];
    const index = lane.findIndex((e) => e.id === deployment.id);
    if (index === -1 || isReweight(deployment, lane, index)) continue;
    const later = lane.slice(index + 1);
    const environment = input.environments.get(deployment.environment);
    const config = input.configOf(environment);
    const reason = dueReason(state, later, environment, config, input);
    if (reason) due.push({ state, reason, later, environment, config });
  }
  return due;
}

function dueReason(
  { deployment, latest }: DeploymentState,
  later: readonly DeploymentEvent[],
  environment: Environment | undefined,
  config: DetectorConfig,
  input: DueInput,
): DueReason | null {
  if (!latest) return 'first';
  const plan = planAnalysis(deployment, later, config, bakeMinutesFor(deployment.kind, environment, config), input.now);
  if (!latest.final && plan.closed) return 'window_closed';
  const arrival = input.arrivals.get(laneKey(deployment.prompt, deployment.environment));
  const windowStart = Math.min(plan.early.candidate.from, plan.early.baseline?.from ?? Infinity);
  const fresh =
    arrival !== undefined &&
    arrival.lastArrival > latest.watermark - input.watermarkMarginMs &&
    arrival.maxTime >= windowStart &&
    arrival.minTime < plan.windowEnd;
  if (fresh && latest.final) return 'late_data';
  const age = input.now - Date.parse(deployment.time);
  const grown = (input.newRows.get(deployment.id) ?? 0) >= GROWTH_FOR_EVALUATION * latest.candidateRequests;
  const interval = grown ? input.minIntervalMs : reevaluationInterval(age, input.minIntervalMs);
  if (fresh && input.now - latest.evaluatedAt >= interval) return 'data';
  // Rolled back at the latest evaluation already, unless the rule was still waiting then.
  const waitingForRollback =
    latest.verdict === 'fail' &&
    plan.endedBy === null &&
    environment?.policies.autoRollback === true &&
    !autoRollbackDecision(
      {
        latest: { verdict: latest.verdict, reason: '', decisive: latest.decisive },
        streak: latest.failStreak,
        sinceDeploymentMs: latest.evaluatedAt - Date.parse(deployment.time),
      },
      config,
    ).rollback;
  return waitingForRollback ? 'rollback_pending' : null;
}
