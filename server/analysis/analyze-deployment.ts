import type { DeploymentEvent } from '../registry/deployment-event.js';
import type { Environment } from '../registry/environment-queries.js';
import { judgeDeployment, judgeMetrics, type MetricVerdict, type Verdict } from '../stats/index.js';
import type { Store } from '../store/store.js';
import { EMPTY_ARM, queryArms } from './arm-aggregates-query.js';
import { planAnalysis, type AnalysisPlan } from './baseline.js';
import { bakeMinutesFor, detectorConfigFor } from './detector-config.js';
import { queryPeerDrift } from './peer-drift-query.js';
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
  verdict: Verdict;
  reason: string;
  /** The evaluation window has closed (bake window over, or the deployment was replaced): the final verdict. */
  final: boolean;
  /** Every critical metric could be judged. */
  complete: boolean;
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

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Judges a deployment as of `now`: plans the arms, aggregates them in ClickHouse, measures peer drift when the
 * baseline is the window before the switch, and applies the detector (sequential mode: checked every minute).
 */
export async function analyzeDeployment(
  store: Store,
  deployment: DeploymentEvent,
  later: readonly DeploymentEvent[],
  environment: Environment | undefined,
  now: number,
): Promise<DeploymentAnalysis> {
  const { config, problem } = detectorConfigFor(environment);
  const plan = planAnalysis(deployment, later, config, bakeMinutesFor(deployment.kind, environment, config), now);
  const scope = { environment: deployment.environment, prompt: deployment.prompt };
  const arms = await queryArms(store, { ...scope, candidate: plan.candidate, baseline: plan.baseline });
  const useDrift = config.driftCorrection && plan.mode === 'before_after' && plan.baseline !== null;
  const drift =
    useDrift && plan.baseline
      ? await queryPeerDrift(
          store,
          { ...scope, models: arms.candidateModels, baseline: plan.baseline, candidate: plan.candidate },
          config,
        )
      : {};
  const baselineArm = plan.baseline ? arms.baseline : EMPTY_ARM;
  const metrics = judgeMetrics(baselineArm, arms.candidate, config, { mode: 'sequential', drift });
  const overall = judgeDeployment(metrics, config, { bakeEnded: plan.closed });
  const reason = plan.baseline ? overall.reason : `no baseline: ${plan.description.baseline}`;
  return {
    deploymentId: deployment.id,
    ...scope,
    kind: deployment.kind,
    version: deployment.version,
    previousVersion: deployment.previousVersion,
    deployedAt: deployment.time,
    evaluatedAt: iso(now),
    mode: plan.mode,
    verdict: plan.baseline ? overall.verdict : 'inconclusive',
    reason,
    final: plan.closed,
    complete: overall.complete,
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
    driftCorrection: useDrift,
    worstMetric: worstMetric(metrics),
    metrics,
    configProblem: problem,
  };
}
