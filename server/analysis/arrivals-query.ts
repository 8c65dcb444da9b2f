import { laneKey } from '../registry/keyed-mutex.js';
import type { Store } from '../store/store.js';

/**
 * Which lanes received spans or scores since a point in time (the store's clock), and the span times they carried
 * (lane_arrivals, migration 021). One small query per run: the rows of the minutes since `since`.
 */
export interface LaneArrival {
  /** Epoch ms (store clock) of the latest insert for the lane. */
  lastArrival: number;
  /** Epoch ms: the earliest and latest span time among the lane's inserts since `since` (a covering range). */
  minTime: number;
  maxTime: number;
  /** Spans and scores inserted for the lane since `since` (about: whole minutes of arrival are counted). */
  rows: number;
}

export interface Arrivals {
  /** The store's clock when the query ran (epoch ms). */
  storeNow: number;
  /** By laneKey(prompt, environment). */
  lanes: Map<string, LaneArrival>;
}

interface Row extends LaneArrival {
  environment: string;
  prompt: string;
}

export async function queryArrivals(store: Store, since: number): Promise<Arrivals> {
  const [rows, [clock]] = await Promise.all([
    store.query<Row>(
      `SELECT Environment AS environment, PromptName AS prompt,
         toUnixTimestamp64Milli(max(LastArrival)) AS lastArrival,
         intDiv(toUnixTimestamp64Nano(min(MinTime)), 1000000) AS minTime,
         intDiv(toUnixTimestamp64Nano(max(MaxTime)), 1000000) AS maxTime, sum(Rows) AS rows
       FROM lane_arrivals
       WHERE Minute >= toStartOfMinute(fromUnixTimestamp64Milli({since:Int64}))
         AND LastArrival > fromUnixTimestamp64Milli({since:Int64})
       GROUP BY Environment, PromptName`,
      { since },
    ),
    store.query<{ now: number }>('SELECT toUnixTimestamp64Milli(now64(3)) AS now'),
  ]);
  return {
    storeNow: clock?.now ?? Date.now(),
    lanes: new Map(rows.map((r) => [laneKey(r.prompt, r.environment), r])),
  };
}
