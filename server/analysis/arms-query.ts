import type { ArmSummary, MomentSums } from '../stats/index.js';
import type { Params, Store } from '../store/store.js';
import { extraWindow, type AnalysisPlan, type ArmWindow } from './baseline.js';
import { boundTable, laneRangeCondition, type LaneRange } from './bound-rows.js';
import {
  SCORE_COLUMNS,
  SPAN_COLUMNS,
  asofDeploymentJoin,
  attributedVersion,
  type AttributedColumns,
} from './version-attribution.js';

/**
 * The per-arm aggregates of every deployment a run judges, computed in ClickHouse from raw generation spans in
 * one scan (exact windows, exact counts; a row of a lane counts for every deployment of the lane whose window holds
 * it): counts, errors, sums and sums of squares, latency quantile sketches, a sample of raw latencies for
 * Mann-Whitney (all of them up to the sample limit per arm, a uniform sample beyond), and — only for deployments
 * with an arm larger than its sample — the exact counts above the pooled p95 / p99 of both arms (a second pass).
 * Posted scores add to quality (a third query). Each arm is counted in two disjoint segments: the regular window
 * ('c', 'b') and the rest of the early window from the switch ('cx', 'bx'); see baseline.ts.
 */
export const LATENCY_SAMPLE_LIMIT = 50_000;
/** Raw latencies one run keeps in total; the per-arm limit shrinks (to a floor) as deployments grow in number. */
const SAMPLE_BUDGET = 4_000_000;
const MIN_SAMPLE_LIMIT = 2_000;

export interface ArmsRequest {
  environment: string;
  prompt: string;
  plan: Pick<AnalysisPlan, 'candidate' | 'baseline' | 'early'>;
}

export interface Arms {
  baseline: ArmSummary;
  candidate: ArmSummary;
  /** The parts of the early arms outside the regular ones (merge with mergeArms for the early arms). */
  candidateExtra: ArmSummary;
  baselineExtra: ArmSummary;
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

const NO_WINDOW: ArmWindow = { version: 0, from: 0, to: 0 };
const NO_VERSION = '\u0000none';
const SEGMENTS = ['c', 'cx', 'b', 'bx'] as const;
type Segment = (typeof SEGMENTS)[number];

/** The four segments of each request, as bound columns of the plan table `p`. */
function planTable(requests: readonly ArmsRequest[], params: Params): string {
  const windows = requests.map(({ plan }) => ({
    c: plan.candidate,
    cx: extraWindow(plan.early.candidate, plan.candidate),
    b: plan.baseline ?? NO_WINDOW,
    bx: plan.baseline && plan.early.baseline ? extraWindow(plan.early.baseline, plan.baseline) : NO_WINDOW,
  }));
  return boundTable(
    'plan',
    [
      { name: 'plan', type: 'UInt32', values: requests.map((_, i) => i) },
      { name: 'env', type: 'String', values: requests.map((r) => r.environment) },
      { name: 'prompt', type: 'String', values: requests.map((r) => r.prompt) },
      { name: 'cand', type: 'String', values: requests.map((r) => String(r.plan.candidate.version)) },
      {
        name: 'base',
        type: 'String',
        values: requests.map((r) => (r.plan.baseline ? String(r.plan.baseline.version) : NO_VERSION)),
      },
      ...SEGMENTS.flatMap((s) => [
        { name: `${s}From`, type: 'Int64' as const, values: windows.map((w) => w[s].from) },
        { name: `${s}To`, type: 'Int64' as const, values: windows.map((w) => w[s].to) },
      ]),
    ],
    params,
  );
}

/** The lanes' time ranges the scan must read: every segment of every request. */
function scanRanges(requests: readonly ArmsRequest[]): LaneRange[] {
  return requests.flatMap(({ environment, prompt, plan }) =>
    [plan.candidate, plan.baseline, plan.early.candidate, plan.early.baseline]
      .filter((w): w is ArmWindow => w !== null)
      .map((w) => ({ environment, prompt, from: w.from, to: w.to })),
  );
}

/** 'c', 'cx', 'b', 'bx' or '' for a row joined with its plan `p`. */
function segmentOf(c: AttributedColumns): string {
  const ms = `toUnixTimestamp64Milli(${c.alias}.${c.time})`;
  const version = attributedVersion(c);
  const inSegment = (s: Segment) => `${ms} >= p.${s}From AND ${ms} < p.${s}To`;
  return `multiIf(${version} = p.cand AND ${inSegment('c')}, 'c', ${version} = p.cand AND ${inSegment('cx')}, 'cx',
                  ${version} = p.base AND ${inSegment('b')}, 'b', ${version} = p.base AND ${inSegment('bx')}, 'bx', '')`;
}

/** The rows of every request's segments from `table` (spans or scores), with `columns` beside `plan` and `arm`. */
function segmentRows(
  table: string,
  c: AttributedColumns,
  columns: string,
  extraFilter: string,
  plans: string,
  scan: string,
) {
  const lanes = `environment IN (SELECT env FROM ${plans}) AND prompt IN (SELECT prompt FROM ${plans})`;
  return `SELECT p.plan AS plan, ${segmentOf(c)} AS arm, ${columns}
    FROM ${table} AS r ${asofDeploymentJoin(c, lanes)}
    INNER JOIN ${plans} AS p ON r.${c.environment} = p.env AND r.${c.prompt} = p.prompt
    WHERE (${scan}) ${extraFilter}`;
}

const moments = (x: string) =>
  `count(${x}) AS ${x}N, sum(ifNull(${x}, 0)) AS ${x}Sum, sum(ifNull(${x} * ${x}, 0)) AS ${x}SumSq`;

type MomentsOf<K extends string> = Record<`${K}N` | `${K}Sum` | `${K}SumSq`, number>;
type SpanArmRow = {
  plan: number;
  arm: Segment;
  n: number;
  errors: number;
  q: number[];
  samples: number[];
  models: string[];
} & MomentsOf<'cost' | 'inputTokens' | 'outputTokens' | 'quality'>;
type PooledCountsRow = { plan: number; arm: Segment; aboveP95: number; aboveP99: number };
type ScoreArmRow = { plan: number; arm: Segment } & MomentsOf<'value'>;

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

const byPlanAndArm = <R extends { plan: number; arm: Segment }>(rows: readonly R[]) =>
  new Map(rows.map((r) => [`${r.plan}:${r.arm}`, r]));

/** The per-arm limit of raw latencies kept for a run of `requests` deployments. */
export function sampleLimitFor(requests: number): number {
  return Math.max(MIN_SAMPLE_LIMIT, Math.min(LATENCY_SAMPLE_LIMIT, Math.floor(SAMPLE_BUDGET / (4 * requests))));
}

/**
 * The arms of every request, in request order, with two or three queries whatever their number. `sampleLimit`
 * overrides the per-arm limit of raw latencies (tests).
 */
export async function queryArmsBatch(
  store: Store,
  requests: readonly ArmsRequest[],
  sampleLimit = sampleLimitFor(requests.length),
): Promise<Arms[]> {
  if (requests.length === 0) return [];
  const params: Params = { sampleLimit };
  const plans = planTable(requests, params);
  const ranges = scanRanges(requests);
  const spanScan = laneRangeCondition(
    's',
    ranges,
    { environment: 'r.Environment', prompt: 'r.PromptName', time: 'r.Timestamp' },
    params,
  );
  const scoreScan = laneRangeCondition(
    'o',
    ranges,
    { environment: 'r.environment', prompt: 'r.prompt', time: 'r.span_time' },
    params,
  );
  const spanRows = segmentRows(
    'otel_traces',
    SPAN_COLUMNS,
    `r.Duration / 1e6 AS latency, r.IsError AS isError, r.Model AS model, r.CostUsd AS cost,
     toFloat64(r.InputTokens) AS inputTokens, toFloat64(r.OutputTokens) AS outputTokens, r.Quality AS quality`,
    'AND r.IsGeneration = 1',
    plans,
    spanScan,
  );
  const spanSql = `
    SELECT plan, arm, count() AS n, sum(isError) AS errors,
      quantilesDD(0.01, 0.5, 0.95, 0.99)(latency) AS q,
      groupArraySample({sampleLimit:UInt32}, 7)(latency) AS samples,
      ${moments('cost')}, ${moments('inputTokens')}, ${moments('outputTokens')}, ${moments('quality')},
      groupUniqArray(20)(model) AS models
    FROM (${spanRows}) WHERE arm != '' GROUP BY plan, arm`;
  const scoreSql = `
    SELECT plan, arm, ${moments('value')}
    FROM (${segmentRows('scores', SCORE_COLUMNS, 'r.value AS value', '', plans, scoreScan)})
    WHERE arm != '' GROUP BY plan, arm`;
  const [spanRowsOut, scoreRows] = await Promise.all([
    store.query<SpanArmRow>(spanSql, params),
    store.query<ScoreArmRow>(scoreSql, params),
  ]);
  // With every latency in the samples the statistics count above the pooled quantiles exactly themselves.
  const sampled = [
    ...new Set(
      spanRowsOut.filter((r) => (r.arm === 'c' || r.arm === 'b') && r.n > r.samples.length).map((r) => r.plan),
    ),
  ];
  let countRows: PooledCountsRow[] = [];
  if (sampled.length > 0) {
    params.sampledPlans = sampled;
    const regular = `SELECT plan, arm, latency FROM (${spanRows}) WHERE arm IN ('c', 'b') AND plan IN {sampledPlans:Array(UInt32)}`;
    countRows = await store.query<PooledCountsRow>(
      `SELECT rows.plan AS plan, rows.arm AS arm,
         countIf(rows.latency > pooled.q[1]) AS aboveP95, countIf(rows.latency > pooled.q[2]) AS aboveP99
       FROM (${regular}) AS rows
       INNER JOIN (SELECT plan, quantilesDD(0.01, 0.95, 0.99)(latency) AS q FROM (${regular}) GROUP BY plan) AS pooled
         ON rows.plan = pooled.plan
       GROUP BY plan, arm`,
      params,
    );
  }
  const spans = byPlanAndArm(spanRowsOut);
  const scores = byPlanAndArm(scoreRows);
  const counts = byPlanAndArm(countRows);
  return requests.map((_, plan) => {
    const arm = (s: Segment) =>
      toArm(spans.get(`${plan}:${s}`), scores.get(`${plan}:${s}`), counts.get(`${plan}:${s}`));
    return {
      candidate: arm('c'),
      baseline: arm('b'),
      candidateExtra: arm('cx'),
      baselineExtra: arm('bx'),
      candidateModels: spans.get(`${plan}:c`)?.models ?? spans.get(`${plan}:cx`)?.models ?? [],
    };
  });
}
