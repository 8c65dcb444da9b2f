import { meanInterval } from './mean-interval.js';
import type { RollupSums } from './rollup-query.js';

/** The public metric values of one group of requests, as the time series and the comparison return them. */
export interface MetricValues {
  requests: number;
  errors: number;
  /** errors / requests; null without requests. */
  errorRate: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  /** Mean cost of the requests whose cost is known (USD); null when none is. */
  costPerRequest: number | null;
  /** Sum of the known costs (USD). */
  totalCost: number;
  /** Requests whose cost is known (unknown model prices give no cost, not 0). */
  pricedRequests: number;
  inputTokensPerRequest: number | null;
  outputTokensPerRequest: number | null;
  /** Mean cache-write and reasoning tokens of the requests that report them. */
  cacheWriteTokensPerRequest: number | null;
  reasoningTokensPerRequest: number | null;
  /** Time to first token of the streamed requests (p50, p95), and how many streamed. */
  timeToFirstTokenP50Ms: number | null;
  timeToFirstTokenP95Ms: number | null;
  streamedRequests: number;
  /** Embedding calls: their own operation, not counted in requests or latency. */
  embeddingRequests: number;
  embeddingCost: number;
  embeddingLatencyP50Ms: number | null;
  /** Mean quality (0..1) of span quality and posted scores, with its 95% interval. */
  quality: number | null;
  qualityLow: number | null;
  qualityHigh: number | null;
  scoredCount: number;
  /** Requests whose version was inferred from the deployment history. */
  inferredRequests: number;
}

const ratio = (sum: number, count: number) => (count > 0 ? sum / count : null);

/** The values overviews chart per bucket: as metricValues computes them, without the (costly) intervals. */
export function trendValues(s: RollupSums): Pick<MetricValues, 'requests' | 'errorRate' | 'latencyP95Ms' | 'quality'> {
  return {
    requests: s.requests,
    errorRate: ratio(s.errors, s.requests),
    latencyP95Ms: s.latencyMs?.[1] ?? null,
    quality: ratio(s.qualitySum, s.qualityCount),
  };
}

export function metricValues(s: RollupSums): MetricValues {
  const quality = meanInterval(s.qualityCount, s.qualitySum, s.qualitySumSq);
  return {
    requests: s.requests,
    errors: s.errors,
    errorRate: ratio(s.errors, s.requests),
    latencyP50Ms: s.latencyMs?.[0] ?? null,
    latencyP95Ms: s.latencyMs?.[1] ?? null,
    latencyP99Ms: s.latencyMs?.[2] ?? null,
    costPerRequest: ratio(s.costSum, s.costCount),
    totalCost: s.costSum,
    pricedRequests: s.costCount,
    inputTokensPerRequest: ratio(s.inputTokensSum, s.inputTokensCount),
    outputTokensPerRequest: ratio(s.outputTokensSum, s.outputTokensCount),
    cacheWriteTokensPerRequest: ratio(s.cacheWriteTokensSum, s.cacheWriteTokensCount),
    reasoningTokensPerRequest: ratio(s.reasoningTokensSum, s.reasoningTokensCount),
    timeToFirstTokenP50Ms: s.timeToFirstTokenMs?.[0] ?? null,
    timeToFirstTokenP95Ms: s.timeToFirstTokenMs?.[1] ?? null,
    streamedRequests: s.timeToFirstTokenCount,
    embeddingRequests: s.embeddingRequests,
    embeddingCost: s.embeddingCostSum,
    embeddingLatencyP50Ms: s.embeddingLatencyMs?.[0] ?? null,
    quality: quality.mean,
    qualityLow: quality.low,
    qualityHigh: quality.high,
    scoredCount: quality.n,
    inferredRequests: s.inferredRequests,
  };
}
