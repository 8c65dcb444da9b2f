import {
  estimateDrift,
  METRIC_NAMES,
  type DetectorConfig,
  type MetricDrift,
  type MetricName,
  type PeerEstimate,
} from '../stats/index.js';
import type { Store } from '../store/store.js';
import type { ArmWindow } from './baseline.js';

/**
 * Drift seen by peers — other prompts of the same environment on the same models — between the baseline window
 * and the candidate window (difference-in-differences, before/after comparisons only). Read from the per-minute
 * rollups (windows rounded to minutes); peers with fewer than MIN_PEER_REQUESTS requests in either window are left
 * out, so a quiet prompt's noise is not mistaken for drift.
 */
export const MIN_PEER_REQUESTS = 100;

export interface DriftRequest {
  environment: string;
  prompt: string;
  models: readonly string[];
  baseline: ArmWindow;
  candidate: ArmWindow;
}

interface PeerRow {
  prompt: string;
  period: 'before' | 'after';
  requests: number;
  errors: number;
  q: number[];
  costN: number;
  costSum: number;
  inputN: number;
  inputSum: number;
  outputN: number;
  outputSum: number;
  qualityN: number;
  qualitySum: number;
}

const SQL = `
  SELECT PromptName AS prompt, period, sum(Requests) AS requests, sum(Errors) AS errors,
    quantilesDDMerge(0.01, 0.5, 0.95, 0.99)(LatencyMsQuantiles) AS q,
    sum(CostCount) AS costN, sum(CostSum) AS costSum,
    sum(InputTokensCount) AS inputN, sum(InputTokensSum) AS inputSum,
    sum(OutputTokensCount) AS outputN, sum(OutputTokensSum) AS outputSum,
    sum(QualityCount) AS qualityN, sum(QualitySum) AS qualitySum
  FROM (
    SELECT *, multiIf(
        Minute >= toStartOfMinute(fromUnixTimestamp64Milli({beforeFrom:Int64})) AND Minute < fromUnixTimestamp64Milli({beforeTo:Int64}), 'before',
        Minute >= toStartOfMinute(fromUnixTimestamp64Milli({afterFrom:Int64})) AND Minute < fromUnixTimestamp64Milli({afterTo:Int64}), 'after',
        '') AS period
    FROM llm_metrics_1m
    WHERE Environment = {environment:String} AND PromptName != {prompt:String} AND Model IN {models:Array(String)}
      AND Minute >= toStartOfMinute(fromUnixTimestamp64Milli({beforeFrom:Int64}))
      AND Minute < fromUnixTimestamp64Milli({afterTo:Int64}))
  WHERE period != ''
  GROUP BY prompt, period
  HAVING requests >= {minRequests:UInt32}`;

const mean = (sum: number, n: number) => (n > 0 ? sum / n : NaN);

function estimateOf(name: MetricName, r: PeerRow): number {
  switch (name) {
    case 'error_rate':
      return r.errors / r.requests;
    case 'latency_p50':
      return r.q[0] ?? NaN;
    case 'latency_p95':
      return r.q[1] ?? NaN;
    case 'latency_p99':
      return r.q[2] ?? NaN;
    case 'cost_per_request':
      return mean(r.costSum, r.costN);
    case 'input_tokens':
      return mean(r.inputSum, r.inputN);
    case 'output_tokens':
      return mean(r.outputSum, r.outputN);
    case 'quality':
      return mean(r.qualitySum, r.qualityN);
  }
}

/** Drift per metric (only metrics with at least one usable peer). */
export async function queryPeerDrift(
  store: Store,
  req: DriftRequest,
  config: DetectorConfig,
): Promise<Partial<Record<MetricName, MetricDrift>>> {
  if (req.models.length === 0) return {};
  const rows = await store.query<PeerRow>(SQL, {
    environment: req.environment,
    prompt: req.prompt,
    models: req.models,
    beforeFrom: req.baseline.from,
    beforeTo: req.baseline.to,
    afterFrom: req.candidate.from,
    afterTo: req.candidate.to,
    minRequests: MIN_PEER_REQUESTS,
  });
  const drift: Partial<Record<MetricName, MetricDrift>> = {};
  for (const name of METRIC_NAMES) {
    const peers: PeerEstimate[] = [];
    for (const before of rows.filter((r) => r.period === 'before')) {
      const after = rows.find((r) => r.period === 'after' && r.prompt === before.prompt);
      if (after) peers.push({ before: estimateOf(name, before), after: estimateOf(name, after) });
    }
    const estimate = estimateDrift(peers, config.metrics[name].effectKind);
    if (estimate) drift[name] = estimate;
  }
  return drift;
}
