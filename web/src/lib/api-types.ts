/**
 * The shapes of the API answers the UI reads. Where the server declares the exact JSON shape of an answer, it is
 * re-exported from there (types only: the UI never imports server code); the rest is declared or derived here.
 */
import type { AnalysisResponse } from '../../../server/analysis/analysis-router.js';
import type { ChangeEvent } from '../../../server/changes/change-log.js';
import type { ChangeAnalysis as ChangeAnalysisResponse } from '../../../server/changes/judge-change.js';
import type { RegressionEntry } from '../../../server/analysis/regressions-router.js';
import type { SnapshotDiff } from '../../../server/registry/diff.js';
import type { MetricVerdict } from '../../../server/stats/judge-metric.js';
import type { TracePage as TraceListPage } from '../../../server/traces/list-traces.js';

export type { Role } from '../../../server/http/auth.js';
export type { Verdict } from '../../../server/stats/judge-metric.js';
export type { OverallVerdict } from '../../../server/stats/judge-deployment.js';
export type { AnalysisSummary } from '../../../server/analysis/analyses-store.js';
export type { Overview, OverviewLane } from '../../../server/overview/overview.js';
export type { MetricName } from '../../../server/stats/thresholds.js';
export type { DeploymentEvent, DeploymentKind } from '../../../server/registry/deployment-event.js';
export type { MetricValues } from '../../../server/analysis/metric-values.js';
export type { Timeseries, TimeseriesPoint } from '../../../server/analysis/timeseries-query.js';
export type { Environment } from '../../../server/registry/environment-queries.js';
export type { Prompt } from '../../../server/registry/prompt-queries.js';
export type { Message } from '../../../server/registry/version-snapshot.js';
export type { PromptVersion } from '../../../server/registry/version-queries.js';
export type { CanaryState } from '../../../server/registry/environment-state.js';
export type { LaneSummary, PromptOverview } from '../../../server/registry/prompt-overview.js';
export type { DiffLine } from '../../../server/registry/line-diff.js';
export type { EntryChange, MessageChange, SnapshotDiff, ValueChange } from '../../../server/registry/diff.js';
export type { CategoryResult, OfflineRun } from '../../../server/analysis/offline-evaluations-query.js';
export type { CompareRow, Comparison } from '../../../server/analysis/compare-query.js';
export type { DeploymentRequest } from '../../../server/registry/request-queries.js';
export type { Trace, TraceSpan } from '../../../server/traces/get-trace.js';
export type { TraceSummary } from '../../../server/traces/list-traces.js';
export type { MeResponse as Me } from '../../../server/web/me-router.js';
export type { Draft, DraftSummary } from '../../../server/drafts/draft-events.js';
export type { DraftSnapshot } from '../../../server/registry/version-snapshot.js';
export type { CompareSide, LiveFigures, PromptComparison } from '../../../server/workbench/compare-sides.js';
export type { PreviousVerdict, ReviewEvidence } from '../../../server/workbench/review-evidence.js';
export type { RenderedPrompt } from '../../../server/workbench/render-router.js';
export type { EnvironmentChange, FieldChange } from '../../../server/registry/environment-audit.js';
export type { Policies } from '../../../server/registry/environment-policies.js';
export type { PolicyDefaults } from '../../../server/registry/environments-router.js';
export type { DetectorConfig, MetricThresholds } from '../../../server/stats/thresholds.js';
export type { Webhook } from '../../../server/webhooks/webhook-table.js';
export type { DeliveryAttempt } from '../../../server/webhooks/delivery-log.js';
export type { StoredKey } from '../../../server/http/stored-keys.js';
export type { Alert, AlertFacts, AlertLevel, AlertScope, AlertStep } from '../../../server/alerts/alert-types.js';
export type { Channel } from '../../../server/alerts/channels/channel-table.js';
export type { ChannelType } from '../../../server/alerts/channels/channel-settings.js';
export type { AlertDeliveryRow } from '../../../server/alerts/delivery/delivery-log.js';
export type { MonitorInput } from '../../../server/alerts/monitors/monitor-input.js';
export type { MonitorView } from '../../../server/alerts/monitors/monitors-router.js';
export type { MonitorOutcome } from '../../../server/alerts/alert-transitions.js';
export type { ChangeEvent } from '../../../server/changes/change-log.js';

/** `GET /api/v1/prompts/{name}/diff`: which versions were compared (and through which environment), and how. */
export interface VersionDiff extends SnapshotDiff {
  prompt: string;
  from: { version: number; environment: string | null };
  to: { version: number; environment: string | null };
}

/** `GET /api/v1/traces`: a page of traces and the time window it covers. */
export interface TracePage extends TraceListPage {
  window: { from: string; to: string };
}

/** Estimates that may be NaN or ±Infinity on the server (an arm without data, a zero baseline): null in JSON. */
type NonFinite = 'baseline' | 'candidate' | 'effect' | 'change' | 'pValue' | 'eValue';

/** One metric's judgement in a deployment analysis: both arms with n, the effect, the test and the verdict. */
export interface MetricJudgement extends Omit<MetricVerdict, NonFinite> {
  baseline: number | null;
  candidate: number | null;
  effect: number | null;
  change: number | null;
  pValue?: number | null;
  eValue?: number | null;
}

/** Replaces the metric verdicts of an answer by their JSON form. */
type WithJudgements<T> = Omit<T, 'worstMetric' | 'metrics'> & {
  worstMetric: MetricJudgement | null;
  metrics: MetricJudgement[];
};

/** `GET /api/v1/deployments/{id}/analysis`. */
export type DeploymentAnalysis = WithJudgements<AnalysisResponse>;

/** A deployment whose latest verdict is warn or fail; its failing and warning metrics come worst first. */
export type Regression = WithJudgements<RegressionEntry>;

/** `GET /api/v1/changes/{id}/analysis`: a change judged before / after like a deployment. */
export type ChangeAnalysis = Omit<ChangeAnalysisResponse, 'metrics'> & { metrics: MetricJudgement[] };

/** `GET /api/v1/changes`: a change with its one-line description. */
export type ChangeItem = ChangeEvent & { description: string };
export type { Dataset, DatasetVersion } from '../../../server/datasets/dataset-queries.js';
export type { DatasetItem } from '../../../server/datasets/dataset-item.js';
export type { ImportLineError } from '../../../server/datasets/import-parse.js';
export type { PublicConnection as ModelConnection } from '../../../server/connections/public-connection.js';
export type { StoredEvaluator } from '../../../server/evaluators/evaluator-table.js';
export type { Evaluation } from '../../../server/evaluators/evaluation.js';
export type { RunSummary } from '../../../server/experiments/run-summary.js';
export type { ItemResult } from '../../../server/experiments/run-results.js';
export type { RunComparison, ScoreComparison } from '../../../server/experiments/compare-runs.js';
export type { PairedRow } from '../../../server/stats/paired-comparison.js';
