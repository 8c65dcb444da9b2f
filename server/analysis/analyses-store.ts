import type { Verdict } from '../stats/index.js';
import type { Store } from '../store/store.js';
import type { DeploymentAnalysis } from './analyze-deployment.js';

/** The stored evaluations of deployments (deployment_analyses): one row per evaluation, full report as JSON. */
export interface HistoryEntry {
  evaluatedAt: string;
  verdict: Verdict;
  final: boolean;
  reason: string;
  /** Name of the worst failing or warning metric, or null. */
  worstMetric: string | null;
}

export async function saveAnalysis(store: Store, analysis: DeploymentAnalysis): Promise<void> {
  await store.insert('deployment_analyses', [
    {
      deployment_id: analysis.deploymentId,
      evaluated_at: analysis.evaluatedAt,
      environment: analysis.environment,
      prompt: analysis.prompt,
      version: analysis.version,
      verdict: analysis.verdict,
      final: analysis.final ? 1 : 0,
      report: JSON.stringify(analysis),
    },
  ]);
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

export interface LastKnownGood {
  deploymentId: string;
  version: number;
  deployedAt: string;
  evaluatedAt: string;
}

/** The latest deployment of the prompt in the environment whose final verdict was `pass`, or null. */
export async function lastKnownGood(store: Store, environment: string, prompt: string): Promise<LastKnownGood | null> {
  const rows = await store.query<LastKnownGood>(
    `SELECT a.deployment_id AS deploymentId, a.version AS version, d.time AS deployedAt, a.evaluated_at AS evaluatedAt
     FROM deployment_analyses AS a INNER JOIN deployment_events AS d ON d.id = a.deployment_id
     WHERE a.environment = {environment:String} AND a.prompt = {prompt:String} AND a.final = 1 AND a.verdict = 'pass'
     ORDER BY d.time DESC LIMIT 1`,
    { environment, prompt },
  );
  return rows[0] ?? null;
}
