import type { DeploymentEvent } from '../registry/deployment-event.js';
import type { Environment } from '../registry/environment-queries.js';
import {
  judgeDeployment,
  judgeEarlyStop,
  judgeMetrics,
  mergeArms,
  type DetectorConfig,
  type MetricVerdict,
  type OverallVerdict,
} from '../stats/index.js';
import type { Store } from '../store/store.js';
import { EMPTY_ARM, queryArmsBatch, type Arms } from './arms-query.js';
import { planAnalysis, type AnalysisPlan } from './baseline.js';
import { collectingEstimate, describeCollecting, type Collecting } from './collecting.js';
import { bakeMinutesFor, detectorConfigFor } from './detector-config.js';
import { queryDriftBatch, type Drift } from './drift-query.js';
import { worstMetric } from './worst-metric.js';

/** One evaluation of a deployment: what the API returns and what deployment_analyses stores as JSON. */
export interface DeploymentAnalysis {
  deploymentId: string;
  environment: string;
  prompt: string;
  kind: string;
  version: number;
  previousVersion: number | null;
  deployedAt: string;
  evaluatedAt: string;
  mode: AnalysisPlan['mode'];
  verdict: OverallVerdict;
  reason: string;
  /** The evaluation window has closed (bake window over, or the deployment was replaced): the final verdict. */
  final: boolean;
  /** Every critical metric could be judged. */
  complete: boolean;
  /** A failing critical metric has overwhelming evidence (early stop level): rollback need not wait as long. */
  decisive: boolean;
  /** While `collecting`: samples so far per critical metric and when the verdict is expected. */
  collecting: Collecting | null;
  /** Evaluated again because spans or scores arrived for a window that had already closed. */
  lateData: boolean;
  bakeEnded: boolean;
  windowEnd: string;
  failing: string[];
  warning: string[];
  pending: string[];
  baseline: { version: number | null; from: string | null; to: string | null; requests: number; description: string };
  candidate: { version: number; from: string; to: string; requests: number; description: string };
  /** Whether peer drift was subtracted (before/after comparisons with driftCorrection on). */
  driftCorrection: boolean;
  worstMetric: MetricVerdict | null;
  metrics: MetricVerdict[];
  /** Set when the environment's detector overrides were invalid and the defaults were used. */
  configProblem: string | null;
}

export interface AnalysisInput {
  deployment: DeploymentEvent;
  /** The lane's events after the deployment, in replay order. */
  later: readonly DeploymentEvent[];
  environment: Environment | undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

interface Prepared extends AnalysisInput {
  config: DetectorConfig;
  problem: string | null;
  plan: AnalysisPlan;
  useDrift: boolean;
}

function prepare(input: AnalysisInput, now: number): Prepared {
  const { config, problem } = detectorConfigFor(input.environment);
  const bake = bakeMinutesFor(input.deployment.kind, input.environment, config);
  const plan = planAnalysis(input.deployment, input.later, config, bake, now);
  const useDrift = config.driftCorrection && plan.mode === 'before_after' && plan.baseline !== null;
  return { ...input, config, problem, plan, useDrift };
}

/**
 * Judges deployments as of `now`, all of them with a constant number of ClickHouse queries: plans the arms,
 * aggregates every arm in one scan, measures peer drift for before/after comparisons in one query, and applies the
 * detector (sequential mode: re-checked as data arrives; early stopping for large effects).
 */
export async function analyzeDeployments(
  store: Store,
  inputs: readonly AnalysisInput[],
  now: number,
): Promise<DeploymentAnalysis[]> {
  const prepared = inputs.map((input) => prepare(input, now));
  const arms = await queryArmsBatch(
    store,
    prepared.map((p) => ({ environment: p.deployment.environment, prompt: p.deployment.prompt, plan: p.plan })),
  );
  const drifted = prepared.flatMap((p, i) => (p.useDrift && p.plan.baseline ? [i] : []));
  const drifts = await queryDriftBatch(
    store,
    drifted.map((i) => {
      const p = prepared[i] as Prepared;
      return {
        environment: p.deployment.environment,
        prompt: p.deployment.prompt,
        models: (arms[i] as Arms).candidateModels,
        baseline: p.plan.baseline!,
        candidate: p.plan.candidate,
      };
    }),
    drifted.map((i) => (prepared[i] as Prepared).config),
  );
  const driftOf = new Map(drifted.map((planIndex, k) => [planIndex, drifts[k] ?? {}]));
  return prepared.map((p, i) => judgeAnalysis(p, arms[i] as Arms, driftOf.get(i) ?? {}, now));
}

/** One deployment as of `now` (the API's answer for a deployment the loop has not judged yet). */
export async function analyzeDeployment(
  store: Store,
  deployment: DeploymentEvent,
  later: readonly DeploymentEvent[],
  environment: Environment | undefined,
  now: number,
): Promise<DeploymentAnalysis> {
  const [analysis] = await analyzeDeployments(store, [{ deployment, later, environment }], now);
  return analysis as DeploymentAnalysis;
}

/** The verdict from the measured arms (pure). */
function judgeAnalysis(p: Prepared, arms: Arms, drift: Drift, now: number): DeploymentAnalysis {
  const { deployment, plan, config } = p;
  const baselineArm = plan.baseline ? arms.baseline : EMPTY_ARM;
  const options = { mode: 'sequential' as const, drift: p.useDrift ? drift : {} };
  const early = { candidate: mergeArms(arms.candidate, arms.candidateExtra), baseline: EMPTY_ARM };
  if (plan.baseline) early.baseline = mergeArms(arms.baseline, arms.baselineExtra);
  // A critical metric without enough samples may still fail early on the arms from the switch on.
  const metrics = judgeMetrics(baselineArm, arms.candidate, config, options).map((m) =>
    m.critical && m.verdict === 'inconclusive' && plan.baseline
      ? (judgeEarlyStop(m.name, early.baseline, early.candidate, config, options) ?? m)
      : m,
  );
  const overall = judgeDeployment(metrics, config, { bakeEnded: plan.closed });
  const verdict: OverallVerdict = plan.baseline ? overall.verdict : 'inconclusive';
  const collecting =
    verdict === 'collecting'
      ? collectingEstimate({
          plan,
          pending: metrics.filter((m) => overall.pending.includes(m.name)),
          early,
          regular: { candidate: arms.candidate, baseline: baselineArm },
          config,
        })
      : null;
  const reason = !plan.baseline
    ? `no baseline: ${plan.description.baseline}`
    : collecting
      ? describeCollecting(collecting)
      : overall.reason;
  return {
    deploymentId: deployment.id,
    environment: deployment.environment,
    prompt: deployment.prompt,
    kind: deployment.kind,
    version: deployment.version,
    previousVersion: deployment.previousVersion,
    deployedAt: deployment.time,
    evaluatedAt: iso(now),
    mode: plan.mode,
    verdict,
    reason,
    final: plan.closed,
    complete: overall.complete,
    decisive: overall.decisive,
    collecting,
    lateData: false,
    bakeEnded: plan.bakeEnded,
    windowEnd: iso(plan.windowEnd),
    failing: overall.failing,
    warning: overall.warning,
    pending: overall.pending,
    baseline: {
      version: plan.baseline?.version ?? null,
      from: plan.baseline ? iso(plan.baseline.from) : null,
      to: plan.baseline ? iso(plan.baseline.to) : null,
      requests: baselineArm.n,
      description: plan.description.baseline,
    },
    candidate: {
      version: plan.candidate.version,
      from: iso(plan.candidate.from),
      to: iso(plan.candidate.to),
      requests: arms.candidate.n,
      description: plan.description.candidate,
    },
    driftCorrection: p.useDrift,
    worstMetric: worstMetric(metrics),
    metrics,
    configProblem: p.problem,
  };
}
