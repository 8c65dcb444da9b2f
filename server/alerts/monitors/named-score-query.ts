import type { MomentSums } from '../../stats/index.js';
import type { Store } from '../../store/store.js';
import type { MonitorWindow } from './window-rollup-query.js';

/**
 * Count, sum and sum of squares of one named score (`POST /api/v1/scores`) over a scope and window, by the time of
 * the request each score judges. Scores are far fewer than spans and the table is ordered by environment, prompt and
 * that time, so even a long window reads little.
 */
export async function queryNamedScore(store: Store, name: string, w: MonitorWindow): Promise<MomentSums> {
  const rows = await store.query<MomentSums>(
    `SELECT count() AS n, sum(value) AS sum, sum(value * value) AS sumSq FROM scores
     WHERE name = {name:String}
       AND ({environment:String} = '' OR environment = {environment:String})
       AND ({prompt:String} = '' OR prompt = {prompt:String})
       AND ({model:String} = '' OR model = {model:String})
       AND span_time >= fromUnixTimestamp64Milli({from:Int64}) AND span_time < fromUnixTimestamp64Milli({to:Int64})`,
    { name, ...w.scope, from: w.from, to: w.to },
  );
  return rows[0] ?? { n: 0, sum: 0, sumSq: 0 };
}
