import type { Store } from '../store/store.js';
import type { DeploymentAnalysis } from './analyze-deployment.js';
import { byWorst } from './worst-metric.js';

/**
 * Deployments whose latest verdict is `warn` or `fail`, evaluated in a window. `open`: the regressed version is
 * still what the deployment made live; `resolved`: a later event of the lane (a rollback, a new deploy, the end of
 * the canary) replaced it.
 */
export interface RegressionFilter {
  environment?: string | undefined;
  status?: 'open' | 'resolved' | undefined;
  from: number;
  to: number;
}

export interface Regression {
  status: 'open' | 'resolved';
  /** The event that replaced the regressed deployment, when resolved. */
  resolvedBy: { id: string; kind: string; version: number; time: string; actor: string } | null;
  analysis: DeploymentAnalysis;
}

interface Row {
  report: string;
  resolvedId: string;
  resolvedKind: string;
  resolvedVersion: number;
  resolvedTime: string;
  resolvedActor: string;
}

const SQL = `
  SELECT latest.report AS report, next.id AS resolvedId, next.kind AS resolvedKind, next.version AS resolvedVersion,
         next.time AS resolvedTime, next.actor AS resolvedActor
  FROM (
    SELECT deployment_id, argMax(report, evaluated_at) AS report, argMax(verdict, evaluated_at) AS latest_verdict
    FROM deployment_analyses
    WHERE evaluated_at >= fromUnixTimestamp64Milli({from:Int64}) AND evaluated_at < fromUnixTimestamp64Milli({to:Int64})
      AND ({environment:String} = '' OR environment = {environment:String})
    GROUP BY deployment_id
    HAVING latest_verdict IN ('warn', 'fail')
  ) AS latest
  INNER JOIN deployment_events AS d ON d.id = latest.deployment_id
  LEFT JOIN (
    SELECT id, kind, version, time, actor, environment, prompt, recorded_at FROM deployment_events
    WHERE ({environment:String} = '' OR environment = {environment:String})
  ) AS next
    ON next.environment = d.environment AND next.prompt = d.prompt AND next.time > d.time
       AND NOT (d.kind = 'canary_start' AND next.kind = 'canary_start' AND next.version = d.version)
  ORDER BY latest.deployment_id, next.time
  LIMIT 1 BY latest.deployment_id`;

export async function queryRegressions(store: Store, filter: RegressionFilter): Promise<Regression[]> {
  const rows = await store.query<Row>(SQL, { environment: filter.environment ?? '', from: filter.from, to: filter.to });
  const regressions = rows.map((r): Regression => {
    const resolved = r.resolvedId !== '';
    return {
      status: resolved ? 'resolved' : 'open',
      resolvedBy: resolved
        ? {
            id: r.resolvedId,
            kind: r.resolvedKind,
            version: r.resolvedVersion,
            time: r.resolvedTime,
            actor: r.resolvedActor,
          }
        : null,
      analysis: JSON.parse(r.report) as DeploymentAnalysis,
    };
  });
  return regressions
    .filter((r) => filter.status === undefined || r.status === filter.status)
    .sort((a, b) => {
      const [wa, wb] = [a.analysis.worstMetric, b.analysis.worstMetric];
      return (wa && wb ? byWorst(wa, wb) : 0) || b.analysis.deployedAt.localeCompare(a.analysis.deployedAt);
    });
}
