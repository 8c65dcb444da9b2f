import {
  DEPLOYMENT_EVENT_COLUMNS,
  eventFromRow,
  type DeploymentEvent,
  type DeploymentEventRow,
} from '../registry/deployment-event.js';
import type { Store } from '../store/store.js';
import { JUDGED_KINDS } from './baseline.js';

/**
 * Deployments the evaluation loop still has to judge: judged kinds since `since` (epoch ms) without a final
 * evaluation. Re-weights of a running canary (a `canary_start` of the version already in canary) are returned too;
 * the evaluator judges them as part of the first `canary_start`.
 */
export async function pendingDeployments(store: Store, since: number): Promise<DeploymentEvent[]> {
  const rows = await store.query<DeploymentEventRow>(
    `SELECT ${DEPLOYMENT_EVENT_COLUMNS} FROM deployment_events
     WHERE time >= fromUnixTimestamp64Milli({since:Int64}) AND kind IN {kinds:Array(String)}
       AND id NOT IN (SELECT deployment_id FROM deployment_analyses WHERE final = 1)
     ORDER BY time, recorded_at, id`,
    { since, kinds: JUDGED_KINDS },
  );
  return rows.map(eventFromRow);
}
