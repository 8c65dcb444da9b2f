import type { ArmSummary, MomentSums } from '../stats/index.js';
import type { Store } from '../store/store.js';
import type { ArmWindow } from './baseline.js';
import {
  SCORE_COLUMNS,
  SPAN_COLUMNS,
  asofDeploymentJoin,
  attributedVersion,
  type AttributedColumns,
} from './version-attribution.js';

/**
 * The per-arm aggregates a deployment is judged on, computed in ClickHouse from raw generation spans (exact
 * windows, exact counts): counts, errors, sums and sums of squares, latency quantile sketches, a sample of raw
 * latencies for Mann-Whitney (all of them up to LATENCY_SAMPLE_LIMIT per arm, a uniform sample beyond), and — only
 * when an arm has more requests than the sample holds — the exact counts above the pooled p95 / p99 of both arms
 * (a second pass); otherwise the statistics count them from the complete samples. Posted scores add to quality.
 */
export const LATENCY_SAMPLE_LIMIT = 50_000;

export interface ArmsRequest {
  environment: string;
  prompt: string;
  candidate: ArmWindow;
  baseline: ArmWindow | null;
  /** Raw latencies kept per arm; default LATENCY_SAMPLE_LIMIT. */
  sampleLimit?: number;
}

export interface Arms {
  baseline: ArmSummary;
  candidate: ArmSummary;
  /** Models the candidate arm used (drift peers are prompts on the same models). */
  candidateModels: string[];
}

const EMPTY_SUMS: MomentSums = { n: 0, sum: 0, sumSq: 0 };

export const EMPTY_ARM: ArmSummary = {
  n: 0,
  errors: 0,
  latency: { p50: NaN, p95: NaN, p99: NaN, samples: [] },
  cost: EMPTY_SUMS,
  inputTokens: EMPTY_SUMS,
  outputTokens: EMPTY_SUMS,
  quality: EMPTY_SUMS,
};

/** 'candidate', 'baseline' or '' for a row, from its attributed version and time. */
function armOf(c: AttributedColumns): string {
  const inWindow = (arm: string) =>
    `${c.alias}.${c.time} >= fromUnixTimestamp64Milli({${arm}From:Int64}) AND ${c.alias}.${c.time} < fromUnixTimestamp64Milli({${arm}To:Int64})`;
  const version = attributedVersion(c);
  return `multiIf(${version} = {candidateVersion:String} AND ${inWindow('candidate')}, 'candidate',
                  ${version} = {baselineVersion:String} AND ${inWindow('baseline')}, 'baseline', '')`;
}

/** The rows of both arms, from `table` (spans or scores), with `columns` selected beside `arm`. */
function armRows(table: string, c: AttributedColumns, columns: string, extraFilter: string): string {
  return `SELECT ${armOf(c)} AS arm, ${columns}
    FROM ${table} AS r ${asofDeploymentJoin(c)}
    WHERE r.${c.environment} = {environment:String} AND r.${c.prompt} = {prompt:String} ${extraFilter}
      AND r.${c.time} >= fromUnixTimestamp64Milli({scanFrom:Int64}) AND r.${c.time} < fromUnixTimestamp64Milli({scanTo:Int64})`;
}

const SPAN_ROWS = armRows(
  'otel_traces',
  SPAN_COLUMNS,
  `r.Duration / 1e6 AS latency, r.IsError AS isError, r.Model AS model, r.CostUsd AS cost,
   toFloat64(r.InputTokens) AS inputTokens, toFloat64(r.OutputTokens) AS outputTokens, r.Quality AS quality`,
  'AND r.IsGeneration = 1',
);

const moments = (x: string) =>
  `count(${x}) AS ${x}N, sum(ifNull(${x}, 0)) AS ${x}Sum, sum(ifNull(${x} * ${x}, 0)) AS ${x}SumSq`;

const SPAN_ARMS_SQL = `
  SELECT arm, count() AS n, sum(isError) AS errors,
    quantilesDD(0.01, 0.5, 0.95, 0.99)(latency) AS q,
    groupArraySample({sampleLimit:UInt32}, 7)(latency) AS samples,
    ${moments('cost')}, ${moments('inputTokens')}, ${moments('outputTokens')}, ${moments('quality')},
    groupUniqArray(20)(model) AS models
  FROM (${SPAN_ROWS})
  WHERE arm != ''
  GROUP BY arm`;

/** Second pass, only when an arm outgrew the sample: requests above the pooled p95 / p99 of both arms. */
const POOLED_COUNTS_SQL = `
  WITH (SELECT quantilesDD(0.01, 0.95, 0.99)(latency) FROM (${SPAN_ROWS}) WHERE arm != '') AS pooled
  SELECT arm, countIf(latency > pooled[1]) AS aboveP95, countIf(latency > pooled[2]) AS aboveP99
  FROM (${SPAN_ROWS})
  WHERE arm != ''
  GROUP BY arm`;

const SCORE_ARMS_SQL = `
  SELECT arm, ${moments('value')}
  FROM (${armRows('scores', SCORE_COLUMNS, 'r.value AS value', '')})
  WHERE arm != ''
  GROUP BY arm`;

type MomentsOf<K extends string> = Record<`${K}N` | `${K}Sum` | `${K}SumSq`, number>;
type SpanArmRow = {
  arm: string;
  n: number;
  errors: number;
  q: number[];
  samples: number[];
  models: string[];
} & MomentsOf<'cost' | 'inputTokens' | 'outputTokens' | 'quality'>;
type PooledCountsRow = { arm: string; aboveP95: number; aboveP99: number };
type ScoreArmRow = { arm: string } & MomentsOf<'value'>;

const sums = <K extends string>(row: MomentsOf<K>, key: K): MomentSums => ({
  n: row[`${key}N`],
  sum: row[`${key}Sum`],
  sumSq: row[`${key}SumSq`],
});
const add = (a: MomentSums, b: MomentSums): MomentSums => ({
  n: a.n + b.n,
  sum: a.sum + b.sum,
  sumSq: a.sumSq + b.sumSq,
});

function toArm(
  row: SpanArmRow | undefined,
  scores: ScoreArmRow | undefined,
  counts: PooledCountsRow | undefined,
): ArmSummary {
  const scoreSums = scores ? sums(scores, 'value') : EMPTY_SUMS;
  if (!row) return { ...EMPTY_ARM, quality: scoreSums };
  return {
    n: row.n,
    errors: row.errors,
    latency: {
      p50: row.q[0] ?? NaN,
      p95: row.q[1] ?? NaN,
      p99: row.q[2] ?? NaN,
      samples: Float64Array.from(row.samples),
      ...(counts
        ? { aboveP95Pooled: counts.aboveP95, aboveP99Pooled: counts.aboveP99, pooledCountsBaselineScale: 1 }
        : {}),
    },
    cost: sums(row, 'cost'),
    inputTokens: sums(row, 'inputTokens'),
    outputTokens: sums(row, 'outputTokens'),
    quality: add(sums(row, 'quality'), scoreSums),
  };
}

export async function queryArms(store: Store, req: ArmsRequest): Promise<Arms> {
  const baseline = req.baseline ?? { version: 0, from: 0, to: 0 };
  const params = {
    environment: req.environment,
    prompt: req.prompt,
    candidateVersion: String(req.candidate.version),
    candidateFrom: req.candidate.from,
    candidateTo: req.candidate.to,
    baselineVersion: req.baseline ? String(baseline.version) : '\u0000none',
    baselineFrom: baseline.from,
    baselineTo: baseline.to,
    scanFrom: req.baseline ? Math.min(baseline.from, req.candidate.from) : req.candidate.from,
    scanTo: Math.max(baseline.to, req.candidate.to),
    sampleLimit: req.sampleLimit ?? LATENCY_SAMPLE_LIMIT,
  };
  const [spanRows, scoreRows] = await Promise.all([
    store.query<SpanArmRow>(SPAN_ARMS_SQL, params),
    store.query<ScoreArmRow>(SCORE_ARMS_SQL, params),
  ]);
  // With every latency in the samples the statistics count above the pooled quantiles exactly themselves.
  const sampled = spanRows.some((r) => r.n > r.samples.length);
  const countRows = sampled ? await store.query<PooledCountsRow>(POOLED_COUNTS_SQL, params) : [];
  const span = (arm: string) => spanRows.find((r) => r.arm === arm);
  const score = (arm: string) => scoreRows.find((r) => r.arm === arm);
  const counts = (arm: string) => countRows.find((r) => r.arm === arm);
  return {
    baseline: toArm(span('baseline'), score('baseline'), counts('baseline')),
    candidate: toArm(span('candidate'), score('candidate'), counts('candidate')),
    candidateModels: span('candidate')?.models ?? [],
  };
}
