import type { Store } from '../../store/store.js';
import type { MonitorWindow } from './window-rollup-query.js';

export interface ExceedanceCounts {
  n: number;
  aboveP50: number;
  aboveP95: number;
  aboveP99: number;
}

/**
 * For a change condition on latency: how many generations of the (short, at most a day) current window took longer
 * than the reference window's p50 / p95 / p99. The same population as the rollups: generations naming a prompt.
 */
export async function queryLatencyExceedance(
  store: Store,
  w: MonitorWindow,
  thresholds: { p50: number; p95: number; p99: number },
): Promise<ExceedanceCounts> {
  const rows = await store.query<ExceedanceCounts>(
    `SELECT count() AS n, countIf(Duration / 1e6 > {p50:Float64}) AS aboveP50,
            countIf(Duration / 1e6 > {p95:Float64}) AS aboveP95, countIf(Duration / 1e6 > {p99:Float64}) AS aboveP99
     FROM otel_traces
     WHERE IsGeneration = 1 AND PromptName != ''
       AND ({environment:String} = '' OR Environment = {environment:String})
       AND ({prompt:String} = '' OR PromptName = {prompt:String})
       AND ({model:String} = '' OR Model = {model:String})
       AND Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp < fromUnixTimestamp64Milli({to:Int64})`,
    { ...w.scope, from: w.from, to: w.to, ...thresholds },
  );
  return rows[0] ?? { n: 0, aboveP50: 0, aboveP95: 0, aboveP99: 0 };
}
