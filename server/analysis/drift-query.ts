import {
  estimateDrift,
  METRIC_NAMES,
  type DetectorConfig,
  type MetricDrift,
  type MetricName,
  type PeerEstimate,
} from '../stats/index.js';
import type { Params, Store } from '../store/store.js';
import type { ArmWindow } from './baseline.js';
import { boundTable, laneRangeCondition } from './bound-rows.js';

/**
 * Drift seen by peers — other prompts of the same environment on the same models — between each deployment's
 * baseline window and its candidate window (difference-in-differences, before/after comparisons only), for every
 * deployment of a run in one query. Read from the per-minute rollups (windows rounded to minutes). Peers are the
 * MAX_PEERS busiest prompts per environment and model over the run's windows; peers with fewer than
 * MIN_PEER_REQUESTS requests in either window are left out, so a quiet prompt's noise is not mistaken for drift.
 */
export const MIN_PEER_REQUESTS = 100;
export const MAX_PEERS = 25;

export interface DriftRequest {
  environment: string;
  prompt: string;
  models: readonly string[];
  baseline: ArmWindow;
  candidate: ArmWindow;
}

export type Drift = Partial<Record<MetricName, MetricDrift>>;

interface PeerRow {
  plan: number;
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

/** Drift per metric of every request, in request order (only metrics with at least one usable peer). */
export async function queryDriftBatch(
  store: Store,
  requests: readonly DriftRequest[],
  configs: readonly DetectorConfig[],
): Promise<Drift[]> {
  const pairs = requests.flatMap((r, plan) => r.models.map((model) => ({ plan, model, r })));
  if (pairs.length === 0) return requests.map(() => ({}));
  const params: Params = { minRequests: MIN_PEER_REQUESTS, maxPeers: MAX_PEERS };
  const plans = boundTable(
    'drift',
    [
      { name: 'plan', type: 'UInt32', values: pairs.map((p) => p.plan) },
      { name: 'env', type: 'String', values: pairs.map((p) => p.r.environment) },
      { name: 'prompt', type: 'String', values: pairs.map((p) => p.r.prompt) },
      { name: 'model', type: 'String', values: pairs.map((p) => p.model) },
      { name: 'beforeFrom', type: 'Int64', values: pairs.map((p) => p.r.baseline.from) },
      { name: 'beforeTo', type: 'Int64', values: pairs.map((p) => p.r.baseline.to) },
      { name: 'afterFrom', type: 'Int64', values: pairs.map((p) => p.r.candidate.from) },
      { name: 'afterTo', type: 'Int64', values: pairs.map((p) => p.r.candidate.to) },
    ],
    params,
  );
  // Every prompt of a request's environment is a possible peer: the environments' ranges of the windows.
  params.models = [...new Set(pairs.map((p) => p.model))];
  const ranges = requests.map((r) => ({ environment: r.environment, from: r.baseline.from, to: r.candidate.to }));
  const columns = { environment: 'r.Environment', prompt: 'r.PromptName', time: 'r.Minute' };
  const scan = `r.Model IN {models:Array(String)} AND (${laneRangeCondition('d', ranges, columns, params, true)})`;
  const minute = (ms: string) => `toStartOfMinute(fromUnixTimestamp64Milli(${ms}))`;
  const rows = await store.query<PeerRow>(
    `SELECT p.plan AS plan, r.PromptName AS prompt,
       multiIf(r.Minute >= ${minute('p.beforeFrom')} AND r.Minute < fromUnixTimestamp64Milli(p.beforeTo), 'before',
               r.Minute >= ${minute('p.afterFrom')} AND r.Minute < fromUnixTimestamp64Milli(p.afterTo), 'after', '') AS period,
       sum(r.Requests) AS requests, sum(r.Errors) AS errors,
       quantilesDDMerge(0.01, 0.5, 0.95, 0.99)(r.LatencyMsQuantiles) AS q,
       sum(r.CostCount) AS costN, sum(r.CostSum) AS costSum,
       sum(r.InputTokensCount) AS inputN, sum(r.InputTokensSum) AS inputSum,
       sum(r.OutputTokensCount) AS outputN, sum(r.OutputTokensSum) AS outputSum,
       sum(r.QualityCount) AS qualityN, sum(r.QualitySum) AS qualitySum
     FROM llm_metrics_1m AS r
     INNER JOIN ${plans} AS p ON r.Environment = p.env AND r.Model = p.model
     WHERE ${scan} AND r.PromptName != p.prompt
       AND (r.Environment, r.Model, r.PromptName) IN (
         SELECT Environment, Model, PromptName FROM llm_metrics_1m AS r WHERE ${scan}
         GROUP BY Environment, Model, PromptName ORDER BY sum(Requests) DESC LIMIT {maxPeers:UInt32} BY Environment, Model)
     GROUP BY plan, prompt, period
     HAVING period != '' AND requests >= {minRequests:UInt32}`,
    params,
  );
  const byPlan = new Map<number, PeerRow[]>();
  for (const row of rows) byPlan.set(row.plan, [...(byPlan.get(row.plan) ?? []), row]);
  return requests.map((_, plan) => {
    const planRows = byPlan.get(plan) ?? [];
    const config = configs[plan] as DetectorConfig;
    const drift: Drift = {};
    for (const name of METRIC_NAMES) {
      const peers: PeerEstimate[] = [];
      for (const before of planRows.filter((r) => r.period === 'before')) {
        const after = planRows.find((r) => r.period === 'after' && r.prompt === before.prompt);
        if (after) peers.push({ before: estimateOf(name, before), after: estimateOf(name, after) });
      }
      const estimate = estimateDrift(peers, config.metrics[name].effectKind);
      if (estimate) drift[name] = estimate;
    }
    return drift;
  });
}
