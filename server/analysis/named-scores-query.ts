import type { Store } from '../store/store.js';
import { meanInterval } from './mean-interval.js';
import { rollupParams, rollupSql, type RollupFilter } from './rollup-query.js';

/**
 * Named scores of one environment + prompt from their per-minute rollup (llm_named_scores_1m: posted scores,
 * evaluation results received as logs, online evaluators and span evaluation events, each under its name), per
 * bucket, version and model like queryRollups. At most MAX_SCORE_NAMES names: the most frequent in the window.
 */
export const MAX_SCORE_NAMES = 20;

export interface NamedScoreRow {
  bucket: number;
  version: string;
  model: string;
  name: string;
  count: number;
  sum: number;
  sumSq: number;
}

/** A named score's value for one group: its mean with the 95% interval, and how many values it has. */
export interface ScoreValue {
  mean: number | null;
  low: number | null;
  high: number | null;
  count: number;
}

const AGGREGATES = `
    sum(r.ScoreCount) AS count,
    sum(r.ScoreSum) AS sum,
    sum(r.ScoreSumSq) AS sumSq`;

const TOP_NAMES = `AND r.Name IN (
      SELECT Name FROM llm_named_scores_1m
      WHERE Environment = {environment:String} AND PromptName = {prompt:String}
        AND Minute >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64}))
        AND Minute < fromUnixTimestamp64Milli({to:Int64})
      GROUP BY Name ORDER BY sum(ScoreCount) DESC, Name LIMIT ${MAX_SCORE_NAMES})`;

export function queryNamedScores(store: Store, filter: RollupFilter): Promise<NamedScoreRow[]> {
  const sql = rollupSql('llm_named_scores_1m', AGGREGATES, filter, {
    select: 'r.Name AS name,',
    where: TOP_NAMES,
    groupBy: ', name',
  });
  return store.query<NamedScoreRow>(sql, rollupParams(filter));
}

export function scoreValue(row: Pick<NamedScoreRow, 'count' | 'sum' | 'sumSq'>): ScoreValue {
  const m = meanInterval(row.count, row.sum, row.sumSq);
  return { mean: m.mean, low: m.low, high: m.high, count: m.n };
}

/** The rows' names, sorted. */
export const scoreNames = (rows: readonly NamedScoreRow[]): string[] =>
  [...new Set(rows.map((r) => r.name))].sort((a, b) => a.localeCompare(b));

/** Groups rows by a key of bucket, version and model: each group's scores by name. */
export function scoresByGroup(
  rows: readonly NamedScoreRow[],
  keyOf: (r: NamedScoreRow) => string,
): Map<string, Record<string, ScoreValue>> {
  const groups = new Map<string, Record<string, ScoreValue>>();
  for (const row of rows) {
    const key = keyOf(row);
    groups.set(key, { ...groups.get(key), [row.name]: scoreValue(row) });
  }
  return groups;
}
