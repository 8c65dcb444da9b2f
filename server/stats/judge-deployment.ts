/**
 * The deployment's overall verdict from its metric verdicts, and the automatic-rollback rule.
 *
 * Overall verdict, first match wins:
 *   fail          a critical metric fails                       (eligible for automatic rollback)
 *   warn          a non-critical metric fails, or any metric warns   (alert + one-click rollback)
 *   inconclusive  the bake window has ended and a critical metric still lacks samples (no automatic action)
 *   collecting    the bake window is open and a critical metric still lacks samples: never `pass` before every
 *                 critical metric was judged
 *   pass          otherwise
 * Automatic rollback: the latest evaluation fails, so did the ones before it (consecutiveFailsForRollback in a
 * row), and at least minMinutesBeforeAutoRollback have passed since the deployment — or
 * earlyStop.minSecondsBeforeAutoRollback when the latest failure is decisive (overwhelming evidence).
 */
import { isDecisive } from './early-stop.js';
import type { MetricVerdict, Verdict } from './judge-metric.js';
import type { DetectorConfig, MetricName } from './thresholds.js';

/** A deployment's overall verdict: a metric verdict, or `collecting` while critical metrics await samples. */
export type OverallVerdict = Verdict | 'collecting';

export interface DeploymentVerdict {
  verdict: OverallVerdict;
  /** One line for people, quoting the metrics that decided and their numbers. */
  reason: string;
  /** Critical metrics that fail. */
  failing: MetricName[];
  /** Non-critical metrics that fail, and metrics that warn. */
  warning: MetricName[];
  /** Critical metrics still inconclusive (too few samples). */
  pending: MetricName[];
  /** True when every critical metric could be judged. */
  complete: boolean;
  /** A failing critical metric meets the early-stop evidence level (see early-stop.ts). */
  decisive: boolean;
  bakeEnded: boolean;
  metrics: MetricVerdict[];
}

export interface DeploymentJudgeOptions {
  /** Has the bake window (config.bakeMinutes since the deployment) ended? */
  bakeEnded: boolean;
}

export function judgeDeployment(
  metrics: readonly MetricVerdict[],
  config: DetectorConfig,
  options: DeploymentJudgeOptions,
): DeploymentVerdict {
  const isCritical = (m: MetricVerdict) => config.criticalMetrics.includes(m.name);
  const failingMetrics = metrics.filter((m) => m.verdict === 'fail' && isCritical(m));
  const warningMetrics = metrics.filter((m) => m.verdict === 'warn' || (m.verdict === 'fail' && !isCritical(m)));
  const pendingMetrics = metrics.filter((m) => m.verdict === 'inconclusive' && isCritical(m));
  const common = {
    failing: failingMetrics.map((m) => m.name),
    warning: warningMetrics.map((m) => m.name),
    pending: pendingMetrics.map((m) => m.name),
    complete: pendingMetrics.length === 0,
    decisive: failingMetrics.some((m) => isDecisive(m, config)),
    bakeEnded: options.bakeEnded,
    metrics: [...metrics],
  };
  const quote = (list: MetricVerdict[]) => list.map((m) => m.reason).join('; ');

  if (failingMetrics.length > 0) {
    return { ...common, verdict: 'fail', reason: `critical regression: ${quote(failingMetrics)}` };
  }
  if (warningMetrics.length > 0) {
    return { ...common, verdict: 'warn', reason: `regression: ${quote(warningMetrics)}` };
  }
  if (pendingMetrics.length > 0 && options.bakeEnded) {
    return {
      ...common,
      verdict: 'inconclusive',
      reason: `bake window of ${config.bakeMinutes} min ended without enough data: ${quote(pendingMetrics)}`,
    };
  }
  if (pendingMetrics.length > 0) {
    return { ...common, verdict: 'collecting', reason: `collecting samples: ${quote(pendingMetrics)}` };
  }
  return { ...common, verdict: 'pass', reason: 'no regression detected' };
}

export interface EvaluationRecord {
  /** When the evaluation ran (epoch ms or Date). */
  at: number | Date;
  result: Pick<DeploymentVerdict, 'verdict' | 'reason'> & { decisive?: boolean };
}

export interface RollbackDecision {
  rollback: boolean;
  reason: string;
}

const toMs = (t: number | Date) => (typeof t === 'number' ? t : t.getTime());

/**
 * Should the deployment be rolled back automatically now? `history` holds this deployment's evaluations in any
 * order; evaluations before `deployedAt` or after `now` are ignored.
 */
export function shouldAutoRollback(
  history: readonly EvaluationRecord[],
  config: DetectorConfig,
  now: number | Date,
  deployedAt: number | Date,
): RollbackDecision {
  const nowMs = toMs(now);
  const deployedMs = toMs(deployedAt);
  const evaluations = history
    .filter((e) => toMs(e.at) >= deployedMs && toMs(e.at) <= nowMs)
    .sort((a, b) => toMs(a.at) - toMs(b.at));
  const latest = evaluations[evaluations.length - 1];
  if (!latest) return { rollback: false, reason: 'no evaluation yet' };
  let streak = 0;
  for (let i = evaluations.length - 1; i >= 0 && evaluations[i]?.result.verdict === 'fail'; i--) streak++;
  return autoRollbackDecision({ latest: latest.result, streak, sinceDeploymentMs: nowMs - deployedMs }, config);
}

export interface RollbackState {
  /** The latest evaluation. */
  latest: EvaluationRecord['result'];
  /** Evaluations in a row, ending with the latest, whose verdict was `fail`. */
  streak: number;
  /** Time since the deployment, ms. */
  sinceDeploymentMs: number;
}

/** The automatic-rollback rule on a deployment's latest evaluation and its failing streak. */
export function autoRollbackDecision(state: RollbackState, config: DetectorConfig): RollbackDecision {
  const { latest, streak } = state;
  if (latest.verdict !== 'fail') {
    return { rollback: false, reason: `latest evaluation is ${latest.verdict}, not fail` };
  }
  const needed = config.consecutiveFailsForRollback;
  if (streak < needed) {
    return { rollback: false, reason: `${streak} of ${needed} consecutive failing evaluations: ${latest.reason}` };
  }
  const minutes = state.sinceDeploymentMs / 60_000;
  const minimum = latest.decisive
    ? Math.min(config.minMinutesBeforeAutoRollback, config.earlyStop.minSecondsBeforeAutoRollback / 60)
    : config.minMinutesBeforeAutoRollback;
  if (minutes < minimum) {
    const since = Number(minutes.toFixed(1));
    return {
      rollback: false,
      reason: `failing, but only ${since} min since the deployment (${Number(minimum.toFixed(2))} min needed): ${latest.reason}`,
    };
  }
  const after = minutes < 1 ? `${Math.round(minutes * 60)} s` : `${Math.floor(minutes)} min`;
  return {
    rollback: true,
    reason: `${streak} consecutive failing evaluations, ${after} after the deployment: ${latest.reason}`,
  };
}
