import type { ArmSummary, MomentSums } from '../../stats/index.js';
import type { Store } from '../../store/store.js';
import type { AlertScope } from '../alert-types.js';

/** A monitor's window: a scope ('' = all) and epoch ms, minute-aligned by the caller (rollups are per minute). */
export interface MonitorWindow {
  scope: AlertScope;
  from: number;
  to: number;
}

const SCOPE_FILTER = `
  ({environment:String} = '' OR Environment = {environment:String})
  AND ({prompt:String} = '' OR PromptName = {prompt:String})
  AND ({model:String} = '' OR Model = {model:String})
  AND Minute >= fromUnixTimestamp64Milli({from:Int64}) AND Minute < fromUnixTimestamp64Milli({to:Int64})`;

const METRICS_SQL = `
  SELECT sum(Requests) AS n, sum(Errors) AS errors,
    quantilesDDMerge(0.01, 0.5, 0.95, 0.99)(LatencyMsQuantiles) AS q,
    sum(CostCount) AS costN, sum(CostSum) AS costSum, sum(CostSumSq) AS costSumSq,
    sum(InputTokensCount) AS inN, sum(InputTokensSum) AS inSum, sum(InputTokensSumSq) AS inSumSq,
    sum(OutputTokensCount) AS outN, sum(OutputTokensSum) AS outSum, sum(OutputTokensSumSq) AS outSumSq,
    sum(QualityCount) AS qualityN, sum(QualitySum) AS qualitySum, sum(QualitySumSq) AS qualitySumSq
  FROM llm_metrics_1m WHERE ${SCOPE_FILTER}`;

const SCORES_SQL = `
  SELECT sum(ScoreCount) AS qualityN, sum(ScoreSum) AS qualitySum, sum(ScoreSumSq) AS qualitySumSq
  FROM llm_scores_1m WHERE ${SCOPE_FILTER}`;

type Moments<K extends string> = Record<`${K}N` | `${K}Sum` | `${K}SumSq`, number>;
type MetricsRow = { n: number; errors: number; q: number[] } & Moments<'cost' | 'in' | 'out' | 'quality'>;

const sums = <K extends string>(row: Moments<K> | undefined, key: K): MomentSums => ({
  n: row?.[`${key}N`] ?? 0,
  sum: row?.[`${key}Sum`] ?? 0,
  sumSq: row?.[`${key}SumSq`] ?? 0,
});

const windowParams = (w: MonitorWindow) => ({ ...w.scope, from: w.from, to: w.to });

/**
 * Requests, errors, latency quantiles and the moment sums of cost, tokens and quality (span quality plus posted
 * scores) of a scope over a window, from the per-minute rollups only — so a 7-day reference window costs what a
 * 10-minute one does. There are no raw latency samples: latency tests use counts above a quantile instead.
 */
export async function queryWindowRollup(store: Store, w: MonitorWindow): Promise<ArmSummary> {
  const params = windowParams(w);
  const [metrics, scores] = await Promise.all([
    store.query<MetricsRow>(METRICS_SQL, params),
    store.query<Moments<'quality'>>(SCORES_SQL, params),
  ]);
  const row = metrics[0];
  const n = row?.n ?? 0;
  const quantile = (i: number) => (n > 0 ? (row?.q[i] ?? NaN) : NaN);
  const spanQuality = sums(row, 'quality');
  const scoreQuality = sums(scores[0], 'quality');
  return {
    n,
    errors: row?.errors ?? 0,
    latency: { p50: quantile(0), p95: quantile(1), p99: quantile(2) },
    cost: sums(row, 'cost'),
    inputTokens: sums(row, 'in'),
    outputTokens: sums(row, 'out'),
    quality: {
      n: spanQuality.n + scoreQuality.n,
      sum: spanQuality.sum + scoreQuality.sum,
      sumSq: spanQuality.sumSq + scoreQuality.sumSq,
    },
  };
}
