import { trendValues } from '../analysis/metric-values.js';
import { EMPTY_ROLLUP_SUMS, type RollupSums } from '../analysis/rollup-query.js';
import { bucketStarts } from '../analysis/timeseries-query.js';
import { laneKey } from '../registry/keyed-mutex.js';
import { tierFor, timeColumn } from '../store/rollup-tiers.js';
import type { Store } from '../store/store.js';

/**
 * The trends of every lane (prompt × environment) over a window, from the rollups, in two queries whatever the
 * number of lanes: requests, p95 latency, error rate and quality per bucket, and their summary over the window.
 * Metrics come from the coarsest rollup tier the bucket size allows (10-minute or hourly buckets need ten or sixty
 * times fewer latency sketches merged than minutes), posted scores from their per-minute rollup. Values are
 * computed exactly as `GET /metrics/timeseries` computes its points (metricValues over the same sums; sketches merge
 * exactly), so a lane's trend equals that endpoint's answer at the same window and step, the window starting on a
 * bucket boundary (trendValues are metricValues' values without the intervals).
 */
export interface LaneTrend {
  /** Per bucket, aligned with the overview's bucket starts. */
  series: {
    requests: number[];
    latencyP95Ms: (number | null)[];
    errorRate: (number | null)[];
    quality: (number | null)[];
  };
  /** Over the whole window; p95 latency of the latest bucket that had requests. */
  totals: { requests: number; latestP95Ms: number | null; errorRate: number | null; quality: number | null };
}

export interface LaneTrendsRequest {
  from: number;
  to: number;
  stepSeconds: number;
  /** Only these lanes (by environment and prompt); all lanes when absent. */
  lanes?: readonly { environment: string; prompt: string }[];
}

/** One row per lane: its buckets' sums as parallel arrays (a few thousand rows, not one per lane and bucket). */
interface LaneRow {
  environment: string;
  prompt: string;
  buckets: number[];
  requests?: number[];
  errors?: number[];
  /** The merged sketch's quantiles (p50, p95, p99) per bucket. */
  latencyMs?: [number, number, number][];
  qualityCount: number[];
  qualitySum: number[];
}

function sql(table: string, time: string, aggregates: string, arrays: string, restricted: boolean): string {
  return `
    SELECT environment, prompt, groupArray(bucket) AS buckets, ${arrays}
    FROM (
      SELECT Environment AS environment, PromptName AS prompt,
        toUnixTimestamp(toStartOfInterval(${time}, toIntervalSecond({step:UInt32}))) * 1000 AS bucket, ${aggregates}
      FROM ${table}
      WHERE ${time} >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64})) AND ${time} < fromUnixTimestamp64Milli({to:Int64})
        ${restricted ? 'AND Environment IN {environments:Array(String)} AND PromptName IN {prompts:Array(String)}' : ''}
      GROUP BY environment, prompt, bucket)
    GROUP BY environment, prompt`;
}

const QUALITY = 'groupArray(qc) AS qualityCount, groupArray(qs) AS qualitySum';
const METRICS = {
  aggregates: `sum(Requests) AS r, sum(Errors) AS e, quantilesDDMerge(0.01, 0.5, 0.95, 0.99)(LatencyMsQuantiles) AS q,
    sum(QualityCount) AS qc, sum(QualitySum) AS qs`,
  arrays: `groupArray(r) AS requests, groupArray(e) AS errors, groupArray(q) AS latencyMs, ${QUALITY}`,
};
const SCORES = { aggregates: 'sum(ScoreCount) AS qc, sum(ScoreSum) AS qs', arrays: QUALITY };

export async function queryLaneTrends(store: Store, req: LaneTrendsRequest): Promise<Map<string, LaneTrend>> {
  const restricted = req.lanes !== undefined;
  const params = {
    from: req.from,
    to: req.to,
    step: req.stepSeconds,
    environments: [...new Set(req.lanes?.map((l) => l.environment))],
    prompts: [...new Set(req.lanes?.map((l) => l.prompt))],
  };
  const tier = tierFor(req.stepSeconds);
  const [metrics, scores] = await Promise.all([
    store.query<LaneRow>(sql(tier.table, timeColumn(tier), METRICS.aggregates, METRICS.arrays, restricted), params),
    store.query<LaneRow>(sql('llm_scores_1m', 'Minute', SCORES.aggregates, SCORES.arrays, restricted), params),
  ]);
  // Sums per lane and bucket, span quality and posted scores together (as the time series adds them).
  const sums = new Map<string, Map<number, RollupSums>>();
  const add = (row: LaneRow) => {
    const key = laneKey(row.prompt, row.environment);
    const lane = sums.get(key) ?? new Map<number, RollupSums>();
    sums.set(key, lane);
    row.buckets.forEach((bucket, i) => {
      const entry = lane.get(bucket) ?? { ...EMPTY_ROLLUP_SUMS };
      lane.set(bucket, entry);
      if (row.requests) {
        entry.requests = row.requests[i] ?? 0;
        entry.errors = row.errors?.[i] ?? 0;
        entry.latencyMs = entry.requests > 0 ? (row.latencyMs?.[i] ?? null) : null;
      }
      entry.qualityCount += row.qualityCount[i] ?? 0;
      entry.qualitySum += row.qualitySum[i] ?? 0;
    });
  };
  metrics.forEach(add);
  scores.forEach(add);
  const starts = bucketStarts(req.from, req.to, req.stepSeconds * 1000);
  const trends = new Map<string, LaneTrend>();
  for (const [key, byBucket] of sums) {
    const points = starts.map((t) => trendValues(byBucket.get(t) ?? EMPTY_ROLLUP_SUMS));
    const total = trendValues(sumOf(byBucket.values()));
    trends.set(key, {
      series: {
        requests: points.map((p) => p.requests),
        latencyP95Ms: points.map((p) => p.latencyP95Ms),
        errorRate: points.map((p) => p.errorRate),
        quality: points.map((p) => p.quality),
      },
      totals: {
        requests: total.requests,
        latestP95Ms: points.findLast((p) => p.latencyP95Ms !== null)?.latencyP95Ms ?? null,
        errorRate: total.errorRate,
        quality: total.quality,
      },
    });
  }
  return trends;
}

/** The sums of several buckets (sketches are not summed: the summary's p95 is the latest bucket's). */
function sumOf(buckets: Iterable<RollupSums>): RollupSums {
  const total = { ...EMPTY_ROLLUP_SUMS };
  for (const b of buckets) {
    total.requests += b.requests;
    total.errors += b.errors;
    total.qualityCount += b.qualityCount;
    total.qualitySum += b.qualitySum;
  }
  return total;
}

/** A lane without traffic in the window. */
export function emptyTrend(buckets: number): LaneTrend {
  return {
    series: {
      requests: Array<number>(buckets).fill(0),
      latencyP95Ms: Array<null>(buckets).fill(null),
      errorRate: Array<null>(buckets).fill(null),
      quality: Array<null>(buckets).fill(null),
    },
    totals: { requests: 0, latestP95Ms: null, errorRate: null, quality: null },
  };
}
