import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../log.js';
import type { DeploymentEvent } from '../registry/deployment-event.js';
import { laneEvents } from '../registry/deployment-queries.js';
import type { Environment } from '../registry/environment-queries.js';
import type { Registry } from '../registry/registry.js';
import type { Store } from '../store/store.js';
import { latestAnalysis, saveAnalysis } from './analyses-store.js';
import { analyzeDeployment, type DeploymentAnalysis } from './analyze-deployment.js';
import { isVerdictChange, publishAnalysisUpdated } from './analysis-updated-event.js';
import { applyAutoActions, type AutoAction } from './auto-actions.js';
import { detectorConfigFor } from './detector-config.js';
import { pendingDeployments } from './pending-deployments-query.js';
import { isNewRegression, publishRegression } from './regression-event.js';

/** How far back the loop looks for deployments without a final verdict (e.g. after the server was down). */
export const LOOKBACK_MS = 7 * 86_400_000;

export interface EvaluatorDeps {
  store: Store;
  bus: EventBus;
  log: Logger;
  registry: Registry;
  /** Epoch ms; injectable so tests control time. */
  now?: () => number;
}

export interface EvaluationOutcome {
  analysis: DeploymentAnalysis;
  action: AutoAction;
}

export interface Evaluator {
  /** Evaluates every deployment still inside its evaluation window, once; runs are serialised. */
  evaluateNow(): Promise<EvaluationOutcome[]>;
}

/** A `canary_start` that only re-weights the canary already running belongs to the first one (a ramp's steps do not). */
function isReweight(deployment: DeploymentEvent, before: readonly DeploymentEvent[]): boolean {
  const previous = before.at(-1);
  return (
    deployment.kind === 'canary_start' &&
    deployment.rampId === null &&
    previous?.kind === 'canary_start' &&
    previous.version === deployment.version
  );
}

export function createEvaluator(deps: EvaluatorDeps): Evaluator {
  const clock = deps.now ?? Date.now;
  let running: Promise<unknown> = Promise.resolve();

  async function evaluateOne(
    deployment: DeploymentEvent,
    lane: readonly DeploymentEvent[],
    environment: Environment | undefined,
    now: number,
  ) {
    const index = lane.findIndex((e) => e.id === deployment.id);
    if (index === -1 || isReweight(deployment, lane.slice(0, index))) return null;
    const later = lane.slice(index + 1);
    const previous = await latestAnalysis(deps.store, deployment.id);
    const analysis = await analyzeDeployment(deps.store, deployment, later, environment, now);
    await saveAnalysis(deps.store, analysis);
    if (isVerdictChange(previous, analysis)) publishAnalysisUpdated(deps.bus, previous, analysis);
    if (isNewRegression(previous, analysis)) publishRegression(deps.bus, analysis);
    const action = await applyAutoActions(deps, {
      deployment,
      later,
      latestId: lane.at(-1)?.id ?? deployment.id,
      environment,
      config: detectorConfigFor(environment).config,
      analysis,
      now,
    });
    return { analysis, action };
  }

  async function run(): Promise<EvaluationOutcome[]> {
    const now = clock();
    const pending = await pendingDeployments(deps.store, now - LOOKBACK_MS);
    const environments = new Map((await deps.registry.listEnvironments()).map((e) => [e.name, e]));
    // A lane often has several pending deployments (a canary and its re-weights): read each lane once per run,
    // again only after an automatic action has written to it.
    const lanes = new Map<string, DeploymentEvent[]>();
    const outcomes: EvaluationOutcome[] = [];
    for (const deployment of pending) {
      if (Date.parse(deployment.time) > now) continue;
      const key = JSON.stringify([deployment.environment, deployment.prompt]);
      try {
        const lane = lanes.get(key) ?? (await laneEvents(deps.store, deployment.prompt, deployment.environment));
        lanes.set(key, lane);
        const outcome = await evaluateOne(deployment, lane, environments.get(deployment.environment), now);
        if (outcome?.action) lanes.delete(key);
        if (outcome) outcomes.push(outcome);
      } catch (err) {
        deps.log.error('deployment evaluation failed', {
          deploymentId: deployment.id,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
    return outcomes;
  }

  return {
    evaluateNow() {
      const next = running.then(run, run);
      running = next.catch(() => undefined);
      return next;
    },
  };
}
