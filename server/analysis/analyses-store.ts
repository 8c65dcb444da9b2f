import type { OverallVerdict } from '../stats/index.js';
import type { Store } from '../store/store.js';
import type { DeploymentAnalysis } from './analyze-deployment.js';
import type { Collecting } from './collecting.js';

/**
 * The stored evaluations of deployments (deployment_analyses): one row per evaluation, the full report as JSON,
 * a compact summary for overviews, and the data watermark of the run that produced it.
 */
export interface HistoryEntry {
  evaluatedAt: string;
  verdict: OverallVerdict;
  final: boolean;
  reason: string;
  /** Name of the worst failing or warning metric, or null. */
  worstMetric: string | null;
}

/** What an overview shows of a deployment's latest evaluation. */
export interface AnalysisSummary {
  deploymentId: string;
  verdict: OverallVerdict;
  reason: string;
  final: boolean;
  evaluatedAt: string;
  lateData: boolean;
  /** A failing critical metric has overwhelming evidence. */
  decisive: boolean;
  worstMetric: {
    name: string;
    verdict: string;
    baseline: number | null;
    candidate: number | null;
    effect: number | null;
    effectKind: string;
  } | null;
  collecting: Collecting | null;
}

const REASON_MAX = 300;
const finite = (x: number) => (Number.isFinite(x) ? x : null);

export function summaryOf(a: DeploymentAnalysis): AnalysisSummary {
  const w = a.worstMetric;
  return {
    deploymentId: a.deploymentId,
    verdict: a.verdict,
    reason: a.reason.length > REASON_MAX ? `${a.reason.slice(0, REASON_MAX - 1)}…` : a.reason,
    final: a.final,
    evaluatedAt: a.evaluatedAt,
    lateData: a.lateData,
    decisive: a.decisive,
    worstMetric: w && {
      name: w.name,
      verdict: w.verdict,
      baseline: finite(w.baseline),
      candidate: finite(w.candidate),
      effect: finite(w.effect),
      effectKind: w.effectKind,
    },
    collecting: a.collecting,
  };
}

/**
 * Stores a run's evaluations in one insert. `watermark` (epoch ms, the store's clock) is when the run started
 * reading: data that arrived after it may not be in these evaluations.
 */
export async function saveAnalyses(
  store: Store,
  analyses: readonly DeploymentAnalysis[],
  watermark: number,
): Promise<void> {
  await store.insert(
    'deployment_analyses',
    analyses.map((analysis) => ({
      deployment_id: analysis.deploymentId,
      evaluated_at: analysis.evaluatedAt,
      environment: analysis.environment,
      prompt: analysis.prompt,
      version: analysis.version,
      verdict: analysis.verdict,
      final: analysis.final ? 1 : 0,
      report: JSON.stringify(analysis),
      data_watermark: new Date(watermark).toISOString(),
      decisive: analysis.decisive ? 1 : 0,
      candidate_requests: analysis.candidate.requests,
      summary: JSON.stringify(summaryOf(analysis)),
    })),
  );
}

/** The deployment's evaluations, oldest first. */
export async function analysisHistory(store: Store, deploymentId: string): Promise<HistoryEntry[]> {
  const rows = await store.query<Omit<HistoryEntry, 'final' | 'worstMetric'> & { final: number; worstMetric: string }>(
    `SELECT evaluated_at AS evaluatedAt, verdict, final, JSONExtractString(report, 'reason') AS reason,
            JSONExtractString(report, 'worstMetric', 'name') AS worstMetric
     FROM deployment_analyses WHERE deployment_id = {id:String} ORDER BY evaluated_at`,
    { id: deploymentId },
  );
  return rows.map((r) => ({ ...r, final: r.final === 1, worstMetric: r.worstMetric === '' ? null : r.worstMetric }));
}

/** The deployment's newest evaluation; with `until` (epoch ms), the newest evaluated by then. */
export async function latestAnalysis(
  store: Store,
  deploymentId: string,
  until = 4_102_444_800_000,
): Promise<DeploymentAnalysis | undefined> {
  const rows = await store.query<{ report: string }>(
    `SELECT report FROM deployment_analyses
     WHERE deployment_id = {id:String} AND evaluated_at <= fromUnixTimestamp64Milli({until:Int64})
     ORDER BY evaluated_at DESC LIMIT 1`,
    { id: deploymentId, until },
  );
  return rows[0] && (JSON.parse(rows[0].report) as DeploymentAnalysis);
}

/** The latest evaluation summary of each deployment that has one (reads the summaries, not the reports). */
export async function latestSummaries(store: Store, deploymentIds: readonly string[]): Promise<AnalysisSummary[]> {
  if (deploymentIds.length === 0) return [];
  const rows = await store.query<{ id: string; summary: string }>(
    `SELECT deployment_id AS id, argMax(summary, evaluated_at) AS summary
     FROM deployment_analyses WHERE deployment_id IN {ids:Array(String)}
     GROUP BY deployment_id`,
    { ids: deploymentIds },
  );
  // Evaluations stored before summaries existed (migration 022) carry only the report.
  const old = rows.filter((r) => r.summary === '').map((r) => r.id);
  const reports =
    old.length === 0
      ? []
      : await store.query<{ report: string }>(
          `SELECT argMax(report, evaluated_at) AS report FROM deployment_analyses
           WHERE deployment_id IN {ids:Array(String)} GROUP BY deployment_id`,
          { ids: old },
        );
  return [
    ...rows.filter((r) => r.summary !== '').map((r) => JSON.parse(r.summary) as AnalysisSummary),
    ...reports.map((r) => summaryOf(JSON.parse(r.report) as DeploymentAnalysis)),
  ];
}

export interface LastKnownGood {
  deploymentId: string;
  version: number;
  deployedAt: string;
  evaluatedAt: string;
}

/** The latest deployment of the prompt in the environment whose latest verdict is a final `pass`, or null. */
export async function lastKnownGood(store: Store, environment: string, prompt: string): Promise<LastKnownGood | null> {
  const rows = await store.query<LastKnownGood>(
    `SELECT a.deployment_id AS deploymentId, a.version AS version, d.time AS deployedAt, a.evaluatedAt AS evaluatedAt
     FROM (
       SELECT deployment_id, any(version) AS version, max(evaluated_at) AS evaluatedAt,
              argMax(verdict, evaluated_at) AS verdict, argMax(final, evaluated_at) AS final
       FROM deployment_analyses
       WHERE environment = {environment:String} AND prompt = {prompt:String}
       GROUP BY deployment_id
     ) AS a INNER JOIN deployment_events AS d ON d.id = a.deployment_id
     WHERE a.final = 1 AND a.verdict = 'pass'
     ORDER BY d.time DESC LIMIT 1`,
    { environment, prompt },
  );
  return rows[0] ?? null;
}
