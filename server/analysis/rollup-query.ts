import type { Store } from '../store/store.js';
import { ROLLUP_COLUMNS, asofDeploymentJoin, attributedVersion, isInferred } from './version-attribution.js';

/**
 * Aggregates the per-minute rollups (llm_metrics_1m for requests, errors, latency, cost, tokens, time to first token
 * and span quality; llm_embeddings_1m for embedding calls; llm_scores_1m for posted scores) of one environment + prompt over a minute-aligned window, optionally per time
 * bucket and per version and/or model. Versions are attributed with the as-of deployment join.
 */
export type GroupKey = 'version' | 'model';

export interface RollupFilter {
  environment: string;
  prompt: string;
  version?: string | undefined;
  model?: string | undefined;
  /** Epoch ms; the minute containing `from` is included, minutes starting at or after `to` are not. */
  from: number;
  to: number;
  /** Bucket length in seconds; omitted: one bucket for the whole window. */
  stepSeconds?: number | undefined;
  groupBy: readonly GroupKey[];
}

export interface RollupSums {
  requests: number;
  errors: number;
  inferredRequests: number;
  /** p50, p95, p99 in milliseconds (1% relative accuracy); null when there are no requests. */
  latencyMs: [number, number, number] | null;
  costCount: number;
  costSum: number;
  inputTokensCount: number;
  inputTokensSum: number;
  outputTokensCount: number;
  outputTokensSum: number;
  cacheWriteTokensCount: number;
  cacheWriteTokensSum: number;
  reasoningTokensCount: number;
  reasoningTokensSum: number;
  /** Streamed requests (with a time to first token), and its p50, p95, p99 in milliseconds (null without any). */
  timeToFirstTokenCount: number;
  timeToFirstTokenMs: [number, number, number] | null;
  /** Embedding calls (their own operation, llm_embeddings_1m): count, summed known cost, latency p50/p95/p99. */
  embeddingRequests: number;
  embeddingCostSum: number;
  embeddingLatencyMs: [number, number, number] | null;
  /** Span quality and posted scores together. */
  qualityCount: number;
  qualitySum: number;
  qualitySumSq: number;
}

export interface RollupRow extends RollupSums {
  /** Bucket start, epoch ms (0 without a step). */
  bucket: number;
  /** Attributed version ('' when not grouped by version, or unattributed). */
  version: string;
  /** '' when not grouped by model. */
  model: string;
}

/** Sums of a group without traffic. */
export const EMPTY_ROLLUP_SUMS: Readonly<RollupSums> = {
  requests: 0,
  errors: 0,
  inferredRequests: 0,
  latencyMs: null,
  costCount: 0,
  costSum: 0,
  inputTokensCount: 0,
  inputTokensSum: 0,
  outputTokensCount: 0,
  outputTokensSum: 0,
  cacheWriteTokensCount: 0,
  cacheWriteTokensSum: 0,
  reasoningTokensCount: 0,
  reasoningTokensSum: 0,
  timeToFirstTokenCount: 0,
  timeToFirstTokenMs: null,
  embeddingRequests: 0,
  embeddingCostSum: 0,
  embeddingLatencyMs: null,
  qualityCount: 0,
  qualitySum: 0,
  qualitySumSq: 0,
};

const METRIC_AGGREGATES = `
    sum(r.Requests) AS requests,
    sum(r.Errors) AS errors,
    sum(r.InferredRequests) + sumIf(r.Requests, r.inferred) AS inferredRequests,
    quantilesDDMerge(0.01, 0.5, 0.95, 0.99)(r.LatencyMsQuantiles) AS latencyMs,
    sum(r.CostCount) AS costCount,
    sum(r.CostSum) AS costSum,
    sum(r.InputTokensCount) AS inputTokensCount,
    sum(r.InputTokensSum) AS inputTokensSum,
    sum(r.OutputTokensCount) AS outputTokensCount,
    sum(r.OutputTokensSum) AS outputTokensSum,
    sum(r.CacheWriteTokensCount) AS cacheWriteTokensCount,
    sum(r.CacheWriteTokensSum) AS cacheWriteTokensSum,
    sum(r.ReasoningTokensCount) AS reasoningTokensCount,
    sum(r.ReasoningTokensSum) AS reasoningTokensSum,
    sum(r.TimeToFirstTokenCount) AS timeToFirstTokenCount,
    quantilesDDMerge(0.01, 0.5, 0.95, 0.99)(r.TimeToFirstTokenMsQuantiles) AS timeToFirstTokenMs,
    sum(r.QualityCount) AS qualityCount,
    sum(r.QualitySum) AS qualitySum,
    sum(r.QualitySumSq) AS qualitySumSq`;

const EMBEDDING_AGGREGATES = `
    sum(r.Requests) AS embeddingRequests,
    sum(r.CostSum) AS embeddingCostSum,
    quantilesDDMerge(0.01, 0.5, 0.95, 0.99)(r.LatencyMsQuantiles) AS embeddingLatencyMs`;

const SCORE_AGGREGATES = `
    sum(r.ScoreCount) AS qualityCount,
    sum(r.ScoreSum) AS qualitySum,
    sum(r.ScoreSumSq) AS qualitySumSq`;

function rollupSql(table: string, aggregates: string, filter: RollupFilter): string {
  const bucket =
    filter.stepSeconds === undefined
      ? '0'
      : 'toUnixTimestamp(toStartOfInterval(r.Minute, toIntervalSecond({step:UInt32}))) * 1000';
  const version = filter.groupBy.includes('version') ? 'attributed_version' : "''";
  const model = filter.groupBy.includes('model') ? 'r.Model' : "''";
  return `
    SELECT ${bucket} AS bucket, ${version} AS version, ${model} AS model,
      ${aggregates}
    FROM (SELECT r.*, ${attributedVersion(ROLLUP_COLUMNS)} AS attributed_version,
            ${isInferred(ROLLUP_COLUMNS)} AS inferred
          FROM ${table} AS r ${asofDeploymentJoin(ROLLUP_COLUMNS)}
          WHERE r.Environment = {environment:String} AND r.PromptName = {prompt:String}
            AND r.Minute >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64}))
            AND r.Minute < fromUnixTimestamp64Milli({to:Int64})
            AND ({model:String} = '' OR r.Model = {model:String})) AS r
    WHERE {version:String} = '' OR attributed_version = {version:String}
    GROUP BY bucket, version, model`;
}

export async function queryRollups(store: Store, filter: RollupFilter): Promise<RollupRow[]> {
  const params = {
    environment: filter.environment,
    prompt: filter.prompt,
    from: filter.from,
    to: filter.to,
    step: filter.stepSeconds ?? 60,
    version: filter.version ?? '',
    model: filter.model ?? '',
  };
  const [metrics, embeddings, scores] = await Promise.all([
    store.query<RollupRow>(rollupSql('llm_metrics_1m', METRIC_AGGREGATES, filter), params),
    store.query<RollupRow>(rollupSql('llm_embeddings_1m', EMBEDDING_AGGREGATES, filter), params),
    store.query<RollupRow>(rollupSql('llm_scores_1m', SCORE_AGGREGATES, filter), params),
  ]);
  const rows = new Map<string, RollupRow>();
  const keyOf = (r: RollupRow) => `${r.bucket}|${r.version}|${r.model}`;
  const rowOf = (r: RollupRow): RollupRow => {
    const row = rows.get(keyOf(r)) ?? { ...EMPTY_ROLLUP_SUMS, bucket: r.bucket, version: r.version, model: r.model };
    rows.set(keyOf(r), row);
    return row;
  };
  for (const m of metrics) {
    rows.set(keyOf(m), {
      ...EMPTY_ROLLUP_SUMS,
      ...m,
      latencyMs: m.requests > 0 ? m.latencyMs : null,
      timeToFirstTokenMs: m.timeToFirstTokenCount > 0 ? m.timeToFirstTokenMs : null,
    });
  }
  for (const e of embeddings) {
    Object.assign(rowOf(e), {
      embeddingRequests: e.embeddingRequests,
      embeddingCostSum: e.embeddingCostSum,
      embeddingLatencyMs: e.embeddingRequests > 0 ? e.embeddingLatencyMs : null,
    });
  }
  for (const s of scores) {
    const row = rowOf(s);
    row.qualityCount += s.qualityCount;
    row.qualitySum += s.qualitySum;
    row.qualitySumSq += s.qualitySumSq;
  }
  return [...rows.values()].sort((a, b) => a.bucket - b.bucket);
}
