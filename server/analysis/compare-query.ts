import type { Store } from '../store/store.js';
import { metricValues, type MetricValues } from './metric-values.js';
import { latestOfflineRuns, type OfflineRun } from './offline-evaluations-query.js';
import { queryNamedScores, scoreNames, scoresByGroup, type ScoreValue } from './named-scores-query.js';
import { EMPTY_ROLLUP_SUMS, queryRollups } from './rollup-query.js';

/** Versions of one prompt in one environment side by side (optionally per model), from the rollups. */
export interface CompareRequest {
  environment: string;
  prompt: string;
  from: number;
  to: number;
  byModel: boolean;
}

export interface CompareRow extends MetricValues {
  /** Attributed version; '' for traffic whose version is unknown. */
  version: string;
  /** Present when grouped by model. */
  model?: string;
  /** Latest offline evaluation run of this version, or null. */
  offline: OfflineRun | null;
  /** Each named score of the window (see `scoreNames`) that this row has values of. */
  scores: Record<string, ScoreValue>;
}

export interface Comparison {
  environment: string;
  prompt: string;
  from: string;
  to: string;
  groupBy: 'model' | null;
  /** Names of the scores in the window (the most frequent MAX_SCORE_NAMES), sorted. */
  scoreNames: string[];
  rows: CompareRow[];
}

const numericVersion = (v: string) => (/^\d+$/.test(v) ? Number(v) : undefined);

export async function queryComparison(store: Store, req: CompareRequest): Promise<Comparison> {
  const filter = { ...req, groupBy: req.byModel ? (['version', 'model'] as const) : (['version'] as const) };
  const [rows, named] = await Promise.all([queryRollups(store, filter), queryNamedScores(store, filter)]);
  const keyOf = (r: { version: string; model: string }) => `${r.version}|${r.model}`;
  const scores = scoresByGroup(named, keyOf);
  const known = new Set(rows.map(keyOf));
  for (const r of named) {
    if (!known.has(keyOf(r))) rows.push({ ...EMPTY_ROLLUP_SUMS, bucket: 0, version: r.version, model: r.model });
    known.add(keyOf(r));
  }
  const versions = [...new Set(rows.map((r) => numericVersion(r.version)).filter((v) => v !== undefined))];
  const runs = versions.length > 0 ? await latestOfflineRuns(store, req.prompt, versions) : [];
  const runOf = new Map(runs.map((r) => [String(r.version), r]));
  return {
    environment: req.environment,
    prompt: req.prompt,
    from: new Date(req.from).toISOString(),
    to: new Date(req.to).toISOString(),
    groupBy: req.byModel ? 'model' : null,
    scoreNames: scoreNames(named),
    rows: rows
      .sort((a, b) => a.version.localeCompare(b.version, 'en', { numeric: true }) || a.model.localeCompare(b.model))
      .map((r) => ({
        version: r.version,
        ...(req.byModel ? { model: r.model } : {}),
        ...metricValues(r),
        offline: runOf.get(r.version) ?? null,
        scores: scores.get(keyOf(r)) ?? {},
      })),
  };
}
