/**
 * ArmSummary: everything the verdict logic needs about one arm (baseline or candidate), designed to be filled
 * by ONE query over generation spans grouped by arm, e.g. (ClickHouse, Duration in ns, values bound):
 *
 *   SELECT arm,
 *          count()                                   AS n,             -- rollup: sum(Requests)
 *          sum(IsError)                              AS errors,        -- rollup: sum(Errors)
 *          quantilesDD(0.01, 0.5, 0.95, 0.99)(Duration / 1e6) AS q,    -- rollup: quantilesDDMerge(…)(LatencyMsQuantiles)
 *          groupArraySample(100000, 42)(Duration / 1e6) AS samples,    -- raw rows only
 *          countIf(Duration / 1e6 > {pooledP95:Float64}) AS above_p95, -- raw rows only, see below
 *          countIf(Duration / 1e6 > {pooledP99:Float64}) AS above_p99,
 *          count(CostUsd), sum(CostUsd), sum(CostUsd * CostUsd),       -- rollup: CostCount, CostSum, CostSumSq
 *          count(InputTokens), sum(InputTokens), sum(InputTokens * InputTokens),
 *          count(OutputTokens), sum(OutputTokens), sum(OutputTokens * OutputTokens),
 *          count(Quality), sum(Quality), sum(Quality * Quality)
 *   FROM otel_traces WHERE IsGeneration = 1 AND … GROUP BY arm
 *
 * where arm is 'candidate' for the new version and 'baseline' for the old one (concurrent canary split, or the
 * equal-length window before the deployment). The pooled quantiles come from a first query over BOTH arms
 * together (`quantile(0.95)(Duration / 1e6)` without GROUP BY); any threshold computed without looking at the arm
 * labels keeps the exceedance test valid, so an approximate quantile is fine.
 */
import { sortedQuantile } from './quantile-exceedance.js';
import { sortedFiniteCopy } from './sorted.js';
import type { MomentSums } from './welch.js';

export interface LatencySummary {
  /** The arm's own quantiles in ms: quantilesDD(0.01, 0.5, 0.95, 0.99)(Duration / 1e6). */
  p50: number;
  p95: number;
  p99: number;
  /**
   * Sampled raw latencies in ms, up to ~100,000 per arm: groupArraySample(100000, seed)(Duration / 1e6).
   * Needed for latency_p50 (Mann-Whitney); also used for p95 / p99 when the counts below are absent.
   */
  samples?: ArrayLike<number>;
  /**
   * Requests of this arm strictly above the pooled median of both arms: used for latency_p50 (Mood's median test)
   * only when there are no `samples` (e.g. arms read from per-minute rollups).
   */
  aboveP50Pooled?: number;
  /** Requests of this arm strictly above the pooled p95 of both arms: countIf(latency_ms > pooled_p95). */
  aboveP95Pooled?: number;
  /** Requests of this arm strictly above the pooled p99 of both arms. */
  aboveP99Pooled?: number;
  /**
   * Read from the BASELINE arm: the factor by which baseline latencies were multiplied before the pooled
   * quantiles and both arms' counts were computed (drift correction; see drift.ts). Default 1. When it does not
   * match the drift factor in use, the counts are ignored and recomputed from `samples`.
   */
  pooledCountsBaselineScale?: number;
}

export interface ArmSummary {
  /** Requests (generation spans): count(). */
  n: number;
  /** Failed requests: sum(IsError). */
  errors: number;
  latency: LatencySummary;
  /** Cost in USD per request: count(CostUsd), sum(CostUsd), sum(CostUsd²) — n counts requests with a cost. */
  cost: MomentSums;
  /** Input tokens per request: count / sum / sum of squares of InputTokens. */
  inputTokens: MomentSums;
  /** Output tokens per request: count / sum / sum of squares of OutputTokens. */
  outputTokens: MomentSums;
  /** Quality score in 0..1: count / sum / sum of squares of Quality (only scored requests). */
  quality: MomentSums;
}

const addSums = (a: MomentSums, b: MomentSums): MomentSums => ({
  n: a.n + b.n,
  sum: a.sum + b.sum,
  sumSq: a.sumSq + b.sumSq,
});

/**
 * Two disjoint parts of one arm (e.g. the regular window and the minutes before it) as one arm. Counts and moment
 * sums add; latency quantiles are recomputed from the pooled samples when both parts hold every latency, otherwise
 * they are unknown (NaN, without samples) and the latency metrics of the merged arm stay inconclusive.
 */
export function mergeArms(a: ArmSummary, b: ArmSummary): ArmSummary {
  const complete = (arm: ArmSummary) => arm.n === 0 || (arm.latency.samples?.length ?? 0) === arm.n;
  let latency: LatencySummary = { p50: NaN, p95: NaN, p99: NaN };
  if (complete(a) && complete(b)) {
    const samples = sortedFiniteCopy([...Array.from(a.latency.samples ?? []), ...Array.from(b.latency.samples ?? [])]);
    latency = {
      p50: sortedQuantile(samples, 0.5),
      p95: sortedQuantile(samples, 0.95),
      p99: sortedQuantile(samples, 0.99),
      samples,
    };
  }
  return {
    n: a.n + b.n,
    errors: a.errors + b.errors,
    latency,
    cost: addSums(a.cost, b.cost),
    inputTokens: addSums(a.inputTokens, b.inputTokens),
    outputTokens: addSums(a.outputTokens, b.outputTokens),
    quality: addSums(a.quality, b.quality),
  };
}
