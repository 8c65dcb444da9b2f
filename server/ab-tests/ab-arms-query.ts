import type { ArmSummary, MomentSums } from '../stats/index.js';
import type { Store } from '../store/store.js';

/**
 * The arms of an A/B test, from raw generation spans: the requests a runtime served from the test (`PromptArm` =
 * `test:<name>`, as the clients tag it) in the test's window, per version; and the scores posted for those requests
 * (joined on their trace and span), per version and score name. Two queries, bounded by the window.
 */
export const LATENCY_SAMPLE = 20_000;

export interface AbArm {
  version: number;
  summary: ArmSummary;
  /** Mean latency in ms, for a latency primary metric. */
  latency: MomentSums;
  /** Posted scores by name. */
  scores: Record<string, MomentSums>;
}

export interface AbArmsRequest {
  prompt: string;
  environment: string;
  name: string;
  versions: readonly number[];
  /** Epoch ms, [from, to). */
  from: number;
  to: number;
}

const moments = (x: string) =>
  `count(${x}) AS ${x}N, sum(ifNull(${x}, 0)) AS ${x}Sum, sum(ifNull(${x} * ${x}, 0)) AS ${x}SumSq`;

const SPANS_SQL = `
  SELECT PromptVersion AS version, count() AS n, sum(IsError) AS errors,
    quantilesDD(0.01, 0.5, 0.95, 0.99)(latency) AS q, -- relative accuracy 1 %, then p50, p95, p99
    groupArraySample({sample:UInt32}, 7)(latency) AS samples,
    ${moments('latency')}, ${moments('cost')}, ${moments('inputTokens')}, ${moments('outputTokens')}, ${moments('quality')}
  FROM (
    SELECT PromptVersion, IsError, Duration / 1e6 AS latency, CostUsd AS cost, toFloat64(InputTokens) AS inputTokens,
           toFloat64(OutputTokens) AS outputTokens, Quality AS quality
    FROM otel_traces
    WHERE Environment = {environment:String} AND PromptName = {prompt:String} AND PromptArm = {arm:String}
      AND IsGeneration = 1 AND PromptVersion IN {versions:Array(String)}
      AND Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp < fromUnixTimestamp64Milli({to:Int64})
  )
  GROUP BY version`;

const SCORES_SQL = `
  SELECT t.PromptVersion AS version, s.name AS name, count() AS n, sum(s.value) AS sum, sum(s.value * s.value) AS sumSq
  FROM scores AS s
  INNER JOIN (
    SELECT TraceId, SpanId, PromptVersion FROM otel_traces
    WHERE Environment = {environment:String} AND PromptName = {prompt:String} AND PromptArm = {arm:String}
      AND IsGeneration = 1 AND PromptVersion IN {versions:Array(String)}
      AND Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp < fromUnixTimestamp64Milli({to:Int64})
  ) AS t ON s.trace_id = t.TraceId AND s.span_id = t.SpanId
  WHERE s.environment = {environment:String} AND s.prompt = {prompt:String}
    AND s.span_time >= fromUnixTimestamp64Milli({from:Int64}) AND s.span_time < fromUnixTimestamp64Milli({to:Int64})
  GROUP BY version, name`;

type Moments<K extends string> = Record<`${K}N` | `${K}Sum` | `${K}SumSq`, number>;
type SpanRow = { version: string; n: number; errors: number; q: number[]; samples: number[] } & Moments<
  'latency' | 'cost' | 'inputTokens' | 'outputTokens' | 'quality'
>;
type ScoreRow = { version: string; name: string } & MomentSums;

const sums = <K extends string>(row: Moments<K> | undefined, key: K): MomentSums =>
  row ? { n: row[`${key}N`], sum: row[`${key}Sum`], sumSq: row[`${key}SumSq`] } : { n: 0, sum: 0, sumSq: 0 };
const add = (a: MomentSums, b: MomentSums): MomentSums => ({
  n: a.n + b.n,
  sum: a.sum + b.sum,
  sumSq: a.sumSq + b.sumSq,
});

export async function queryAbArms(store: Store, req: AbArmsRequest): Promise<AbArm[]> {
  const params = {
    environment: req.environment,
    prompt: req.prompt,
    arm: `test:${req.name}`,
    versions: req.versions.map(String),
    from: req.from,
    to: req.to,
    sample: LATENCY_SAMPLE,
  };
  const [spans, scores] = await Promise.all([
    store.query<SpanRow>(SPANS_SQL, params),
    store.query<ScoreRow>(SCORES_SQL, params),
  ]);
  return req.versions.map((version) => {
    const row = spans.find((r) => r.version === String(version));
    const own = scores.filter((s) => s.version === String(version));
    const byName = Object.fromEntries(own.map((s) => [s.name, { n: s.n, sum: s.sum, sumSq: s.sumSq }]));
    const allScores = own.reduce<MomentSums>((acc, s) => add(acc, s), { n: 0, sum: 0, sumSq: 0 });
    return {
      version,
      summary: {
        n: row?.n ?? 0,
        errors: row?.errors ?? 0,
        latency: {
          p50: row?.q[0] ?? NaN,
          p95: row?.q[1] ?? NaN,
          p99: row?.q[2] ?? NaN,
          samples: Float64Array.from(row?.samples ?? []),
        },
        cost: sums(row, 'cost'),
        inputTokens: sums(row, 'inputTokens'),
        outputTokens: sums(row, 'outputTokens'),
        quality: add(sums(row, 'quality'), allScores),
      },
      latency: sums(row, 'latency'),
      scores: byName,
    };
  });
}
