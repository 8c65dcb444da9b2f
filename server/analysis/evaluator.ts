import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../log.js';
import type { Registry } from '../registry/registry.js';
import type { Store } from '../store/store.js';
import { saveAnalyses } from './analyses-store.js';
import { analyzeDeployments, type DeploymentAnalysis } from './analyze-deployment.js';
import { isVerdictChange, publishAnalysisUpdated } from './analysis-updated-event.js';
import { queryArrivals } from './arrivals-query.js';
import { applyAutoActions, type AutoAction } from './auto-actions.js';
import { detectorConfigFor } from './detector-config.js';
import { dueDeployments, type DueDeployment, type DueReason } from './due-deployments.js';
import { loadLoopState, type LoopState } from './loop-state-query.js';
import { isNewRegression, publishRegression } from './regression-event.js';
import { laneKey } from '../registry/keyed-mutex.js';

/** How far back the loop looks for deployments to judge (late data re-opens verdicts this old). */
export const LOOKBACK_MS = 7 * 86_400_000;
/** Data that arrived up to this long before a run's start is treated as new to the evaluations of that run. */
export const WATERMARK_MARGIN_MS = 5_000;

export interface EvaluatorDeps {
  store: Store;
  bus: EventBus;
  log: Logger;
  registry: Registry;
  /** Epoch ms; injectable so tests control time. */
  now?: () => number;
  /** The loop's interval: the shortest time between two evaluations of a deployment with new data. */
  minIntervalMs?: number;
  /** Default WATERMARK_MARGIN_MS; tests that insert and evaluate in sequence use 0. */
  watermarkMarginMs?: number;
}

export interface EvaluationOutcome {
  analysis: DeploymentAnalysis;
  reason: DueReason;
  action: AutoAction;
}

export interface Evaluator {
  /** Evaluates the deployments that are due (see due-deployments.ts), once; runs are serialised. */
  evaluateNow(): Promise<EvaluationOutcome[]>;
}

/**
 * One run of the analysis loop, with a constant number of ClickHouse queries whatever the number of deployments:
 * the loop state (deployments with their latest evaluation, their lanes' events), the environments, the lanes that
 * received data, then — only when something is due — the arms and peer drift of every due deployment and one insert
 * of the evaluations. Registry writes (automatic rollback or promotion) follow per deployment acted upon.
 */
export function createEvaluator(deps: EvaluatorDeps): Evaluator {
  const clock = deps.now ?? Date.now;
  const minIntervalMs = deps.minIntervalMs ?? 10_000;
  const margin = deps.watermarkMarginMs ?? WATERMARK_MARGIN_MS;
  let running: Promise<unknown> = Promise.resolve();
  /** Arrivals after this store time have not been looked at yet; undefined until the first run. */
  let cursor: number | undefined;
  /** Rows arrived for each deployment's lane since its last evaluation (in memory; a restart reads them again). */
  const newRows = new Map<string, number>();

  function firstCursor(state: LoopState): number {
    const floor = Date.now() - LOOKBACK_MS;
    const watermarks = state.deployments.flatMap((d) => (d.latest ? [d.latest.watermark] : []));
    return Math.max(floor, Math.min(Date.now(), ...watermarks)) - margin;
  }

  async function act(item: DueDeployment, analysis: DeploymentAnalysis, now: number): Promise<AutoAction> {
    const { deployment } = item.state;
    try {
      return await applyAutoActions(deps, {
        deployment,
        later: item.later,
        latestId: item.later.at(-1)?.id ?? deployment.id,
        environment: item.environment,
        config: item.config,
        analysis,
        previousFailStreak: item.state.latest?.failStreak ?? 0,
        now,
      });
    } catch (err) {
      deps.log.error('automatic action failed', {
        deploymentId: deployment.id,
        error: err instanceof Error ? err.message : String(err),
      });
      return null;
    }
  }

  async function run(): Promise<EvaluationOutcome[]> {
    const now = clock();
    const [state, environments] = await Promise.all([
      loadLoopState(deps.store, now - LOOKBACK_MS, now),
      deps.registry.listEnvironments(),
    ]);
    const arrivals = await queryArrivals(deps.store, cursor ?? firstCursor(state));
    for (const { deployment, latest } of state.deployments) {
      const arrival = arrivals.lanes.get(laneKey(deployment.prompt, deployment.environment));
      if (latest && arrival) newRows.set(deployment.id, (newRows.get(deployment.id) ?? 0) + arrival.rows);
    }
    const due = dueDeployments({
      ...state,
      environments: new Map(environments.map((e) => [e.name, e])),
      configOf: (environment) => detectorConfigFor(environment).config,
      arrivals: arrivals.lanes,
      now,
      watermarkMarginMs: margin,
      minIntervalMs,
      newRows,
    });
    const analyses = await analyzeDeployments(
      deps.store,
      due.map((d) => ({ deployment: d.state.deployment, later: d.later, environment: d.environment })),
      now,
    );
    due.forEach((d, i) => {
      if (d.reason === 'late_data') (analyses[i] as DeploymentAnalysis).lateData = true;
    });
    if (analyses.length > 0) await saveAnalyses(deps.store, analyses, arrivals.storeNow);
    for (const d of due) newRows.delete(d.state.deployment.id);
    const known = new Set(state.deployments.map((d) => d.deployment.id));
    for (const id of newRows.keys()) if (!known.has(id)) newRows.delete(id);
    cursor = arrivals.storeNow - margin;
    const outcomes: EvaluationOutcome[] = [];
    for (const [i, item] of due.entries()) {
      const analysis = analyses[i] as DeploymentAnalysis;
      const previous = item.state.latest ?? undefined;
      if (isVerdictChange(previous, analysis)) publishAnalysisUpdated(deps.bus, previous, analysis);
      if (isNewRegression(previous, analysis)) publishRegression(deps.bus, analysis);
      outcomes.push({ analysis, reason: item.reason, action: await act(item, analysis, now) });
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
