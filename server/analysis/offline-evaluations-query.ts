import { latestExperimentRuns } from '../experiments/experiment-offline-runs.js';
import type { Store } from '../store/store.js';

/** Per-category results of the latest offline evaluation run of each version of a prompt. */
export interface CategoryResult {
  category: string;
  items: number;
  /** Items scoring at least 0.5 (booleans: true). */
  passed: number;
  meanScore: number;
}

export interface OfflineRun {
  runId: string;
  version: number;
  dataset: string;
  createdAt: string;
  items: number;
  passed: number;
  meanScore: number;
  categories: CategoryResult[];
}

/** An item passes when its score is at least this. */
export const PASS_SCORE = 0.5;

interface Row extends CategoryResult {
  runId: string;
  version: number;
  dataset: string;
  createdAt: string;
}

/**
 * The latest run of each version (all versions when `versions` is empty), categories in name order: offline runs
 * sent by applications and experiment runs Tracelane ran itself (experiment-offline-runs.ts), the newer one winning.
 */
export async function latestOfflineRuns(
  store: Store,
  prompt: string,
  versions: readonly number[],
): Promise<OfflineRun[]> {
  const rows = await store.query<Row>(
    `SELECT run_id AS runId, version, any(dataset) AS dataset, max(created_at) AS createdAt, category,
            count() AS items, countIf(score >= {pass:Float64}) AS passed, avg(score) AS meanScore
     FROM offline_evaluations
     WHERE prompt = {prompt:String} AND (empty({versions:Array(UInt32)}) OR has({versions:Array(UInt32)}, version))
       AND (version, run_id) IN (
         SELECT version, argMax(run_id, created_at) FROM offline_evaluations
         WHERE prompt = {prompt:String} GROUP BY version)
     GROUP BY runId, version, category
     ORDER BY version, category`,
    { prompt, versions, pass: PASS_SCORE },
  );
  const runs = new Map<string, OfflineRun>();
  for (const { runId, version, dataset, createdAt, ...category } of rows) {
    const run = runs.get(runId) ?? {
      runId,
      version,
      dataset,
      createdAt,
      items: 0,
      passed: 0,
      meanScore: 0,
      categories: [],
    };
    run.meanScore = (run.meanScore * run.items + category.meanScore * category.items) / (run.items + category.items);
    run.items += category.items;
    run.passed += category.passed;
    run.categories.push(category);
    runs.set(runId, run);
  }
  const newest = new Map<number, OfflineRun>();
  for (const run of [...runs.values(), ...(await latestExperimentRuns(store, prompt, versions))]) {
    const other = newest.get(run.version);
    if (!other || Date.parse(run.createdAt) > Date.parse(other.createdAt)) newest.set(run.version, run);
  }
  return [...newest.values()].sort((a, b) => a.version - b.version);
}
