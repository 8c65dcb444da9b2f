import { latestAnalysis } from '../analysis/analyses-store.js';
import type { DeploymentAnalysis } from '../analysis/analyze-deployment.js';
import { queryRegressions } from '../analysis/regressions-query.js';
import { formatChange, formatRatio, formatValue, METRIC_LABELS, type MetricVerdict } from '../stats/index.js';
import type { Store } from '../store/store.js';
import { listAlerts } from './alert-log.js';
import type { AlertService, StepDraft } from './alert-service.js';
import { SYSTEM_ACTOR, type Alert, type AlertFacts, type AlertLevel } from './alert-types.js';
import { listChannels, type DeploymentAlerts } from './channels/channel-table.js';

/**
 * Every deployment verdict of `fail` (critical) or `warn` (warning) is an alert, with nothing to configure: it
 * fires when the regression opens, changes level with the verdict, and resolves when the regression no longer is
 * open (a rollback or a new deploy replaced the version, or the verdict recovered). Channels choose, with their
 * `deploymentAlerts` setting, the levels they get. The alerts follow the stored verdicts, so nothing is lost when the
 * server restarts between a verdict and its alert.
 */
const LEVEL_OF = { fail: 'critical', warn: 'warning' } as const;
/** Verdicts older than this no longer open alerts (the analysis loop's own look-back is a week too). */
const LOOKBACK_MS = 7 * 86_400_000;

const admits = (setting: DeploymentAlerts, level: AlertLevel) =>
  setting === 'warning' || (setting === 'critical' && level === 'critical');

export async function syncVerdictAlerts(store: Store, service: AlertService, now: number): Promise<void> {
  const regressions = await queryRegressions(store, { from: now - LOOKBACK_MS, to: now + 1 });
  const open = regressions.filter((r) => r.status === 'open');
  const routing = {
    muted: false,
    channelsFor: async (level: AlertLevel) =>
      (await listChannels(store)).filter((c) => admits(c.deploymentAlerts, level)),
  };
  for (const { analysis } of open) {
    const level = LEVEL_OF[analysis.verdict as 'fail' | 'warn'];
    await service.step(subjectOf(analysis), (current) => verdictStep(current, analysis, level), routing);
  }
  const stillOpen = new Set(open.map((r) => r.analysis.deploymentId));
  const alerts = await listAlerts(store, { source: 'deployment', status: 'open', limit: 10_000 });
  for (const alert of alerts.filter((a) => !stillOpen.has(a.deploymentId))) {
    const replaced = regressions.find((r) => r.analysis.deploymentId === alert.deploymentId)?.resolvedBy;
    const verdict = replaced ? undefined : (await latestAnalysis(store, alert.deploymentId))?.verdict;
    const note = replaced
      ? `replaced: ${replaced.kind} to v${replaced.version} by ${replaced.actor}`
      : `the verdict is now ${verdict ?? 'unknown'}`;
    await service.step(
      { source: 'deployment', monitorId: '', deploymentId: alert.deploymentId, scope: alert.scope },
      (current) => (current && current.status !== 'resolved' ? resolution(current, note) : null),
      routing,
    );
  }
}

const subjectOf = (a: DeploymentAnalysis) => ({
  source: 'deployment' as const,
  monitorId: '',
  deploymentId: a.deploymentId,
  scope: { environment: a.environment, prompt: a.prompt, model: '' },
});

function verdictStep(current: Alert | undefined, a: DeploymentAnalysis, level: AlertLevel): StepDraft | null {
  const text = {
    title: `${a.prompt} v${a.version} in ${a.environment}: ${a.verdict} verdict`,
    summary: a.reason,
    facts: a.worstMetric ? factsOf(a, a.worstMetric) : null,
    actor: SYSTEM_ACTOR,
  };
  // A regression opening again after Tracelane resolved its alert fires anew; one a person resolved stays resolved
  // unless it got worse.
  const reopened =
    current?.status === 'resolved' &&
    (current.actor === SYSTEM_ACTOR || (current.level === 'warning' && level === 'critical'));
  if (!current || reopened) {
    return { ...text, decision: { kind: 'fired', status: 'firing', level, note: '' } };
  }
  if (current.status === 'resolved' || current.level === level) return null;
  const status = level === 'critical' ? 'firing' : current.status;
  return { ...text, decision: { kind: 'level_changed', status, level, note: `${current.level} → ${level}` } };
}

function resolution(current: Alert, note: string): StepDraft {
  const decision = { kind: 'resolved', status: 'resolved', level: current.level, note } as const;
  return { decision, title: current.title, summary: current.summary, facts: current.facts, actor: SYSTEM_ACTOR };
}

function factsOf(a: DeploymentAnalysis, m: MetricVerdict): AlertFacts {
  const limit = m.verdict === 'fail' ? m.threshold.fail : m.threshold.warn;
  const format = m.effectKind === 'ratio' ? formatRatio : (x: number) => formatChange(m.name, x);
  return {
    metric: m.name,
    label: METRIC_LABELS[m.name],
    current: formatValue(m.name, m.candidate),
    baseline: formatValue(m.name, m.baseline),
    effect: format(m.effect),
    threshold: format(limit),
    n: { current: m.n.candidate, baseline: m.n.baseline },
    test: m.test,
    pValue: m.pValue ?? null,
    window: { from: a.candidate.from, to: a.candidate.to },
    reference: a.baseline.from && a.baseline.to ? { from: a.baseline.from, to: a.baseline.to } : null,
    reason: m.reason,
  };
}
