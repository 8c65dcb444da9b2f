import type { DeploymentAnalysis } from '../analysis/analyze-deployment.js';
import {
  DEPLOYMENT_EVENT_COLUMNS,
  eventFromRow,
  type DeploymentEvent,
  type DeploymentEventRow,
} from '../registry/deployment-event.js';
import { laneKey } from '../registry/keyed-mutex.js';
import type { Store } from '../store/store.js';

/**
 * The events of every lane that had a ramp event since `since` (epoch ms), grouped by lane (laneKey), each lane's
 * events in replay order: one query whatever the number of ramps.
 */
export async function rampLanes(
  store: Store,
  since: number,
  filter: { prompt?: string; environment?: string } = {},
): Promise<Map<string, DeploymentEvent[]>> {
  const rows = await store.query<DeploymentEventRow>(
    `SELECT ${DEPLOYMENT_EVENT_COLUMNS} FROM deployment_events
     WHERE (prompt, environment) IN (
       SELECT DISTINCT prompt, environment FROM deployment_events
       WHERE ramp_id != '' AND time >= fromUnixTimestamp64Milli({since:Int64})
         AND ({prompt:String} = '' OR prompt = {prompt:String})
         AND ({environment:String} = '' OR environment = {environment:String}))
     ORDER BY time, recorded_at, id`,
    { since, prompt: filter.prompt ?? '', environment: filter.environment ?? '' },
  );
  const lanes = new Map<string, DeploymentEvent[]>();
  for (const event of rows.map(eventFromRow)) {
    const key = laneKey(event.prompt, event.environment);
    const lane = lanes.get(key);
    if (lane) lane.push(event);
    else lanes.set(key, [event]);
  }
  return lanes;
}

/** The latest analysis of each of these deployments (steps), by deployment id: one query. */
export async function latestAnalyses(
  store: Store,
  deploymentIds: readonly string[],
): Promise<Map<string, DeploymentAnalysis>> {
  if (deploymentIds.length === 0) return new Map();
  const rows = await store.query<{ id: string; report: string }>(
    `SELECT deployment_id AS id, argMax(report, evaluated_at) AS report FROM deployment_analyses
     WHERE deployment_id IN {ids:Array(String)} GROUP BY deployment_id`,
    { ids: deploymentIds },
  );
  return new Map(rows.map((r) => [r.id, JSON.parse(r.report) as DeploymentAnalysis]));
}
