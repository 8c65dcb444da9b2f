import type { Logger } from '../log.js';
import type { Store } from './store.js';

/**
 * The coarser rollups of migration 008 (llm_metrics_10m, llm_metrics_1h): the same metrics as llm_metrics_1m per
 * environment and prompt, per 10 minutes and per hour. `tierFor` picks the coarsest one a bucket size allows.
 * They carry only what the overview charts for every lane (requests, errors, latency, quality); every other metric
 * of llm_metrics_1m (cost, tokens, time to first token, …) stays per-minute, read by the per-lane charts and the
 * analysis. A column added to llm_metrics_1m needs no change here unless the overview is to chart it.
 */
export interface RollupTier {
  table: string;
  /** Bucket length in seconds. */
  seconds: number;
  /** The bucket of an llm_metrics_1m row. */
  bucketOf: string;
}

export const ROLLUP_TIERS: readonly RollupTier[] = [
  { table: 'llm_metrics_1h', seconds: 3600, bucketOf: 'toStartOfHour(Minute)' },
  { table: 'llm_metrics_10m', seconds: 600, bucketOf: 'toStartOfTenMinutes(Minute)' },
];

/** The per-minute rollup as a tier, for bucket sizes no coarser tier divides. */
export const MINUTE_TIER: RollupTier = { table: 'llm_metrics_1m', seconds: 60, bucketOf: 'Minute' };

/** The coarsest tier whose buckets add up exactly to buckets of `stepSeconds`. */
export function tierFor(stepSeconds: number): RollupTier {
  return ROLLUP_TIERS.find((t) => stepSeconds % t.seconds === 0) ?? MINUTE_TIER;
}

/** The time column of a tier (`Minute` for the per-minute rollup, `Bucket` for the others). */
export const timeColumn = (tier: RollupTier) => (tier === MINUTE_TIER ? 'Minute' : 'Bucket');

/**
 * Copies the minutes rolled up before migration 008 into the tiers, once: only when a tier is still empty while
 * llm_metrics_1m is not, and only minutes before the migration (later ones reached the tier through its
 * materialized view). Run by the server at start-up (one process), never by collectors.
 */
export async function backfillRollupTiers(store: Store, log: Logger): Promise<void> {
  const [migration] = await store.query<{ at: number }>(
    'SELECT toUnixTimestamp64Milli(min(applied_at)) AS at FROM tracelane_migrations WHERE version = 8',
  );
  if (!migration?.at) return;
  for (const tier of ROLLUP_TIERS) {
    const [state] = await store.query<{ tier: number; minutes: number }>(
      `SELECT (SELECT count() FROM ${tier.table}) AS tier,
              (SELECT count() FROM llm_metrics_1m WHERE Minute < fromUnixTimestamp64Milli({at:Int64})) AS minutes`,
      { at: migration.at },
    );
    if (!state || state.tier > 0 || state.minutes === 0) continue;
    await store.exec(
      `INSERT INTO ${tier.table} (Bucket, Environment, PromptName, Requests, Errors, LatencyMsQuantiles,
         QualityCount, QualitySum, QualitySumSq)
       SELECT ${tier.bucketOf} AS Bucket, Environment, PromptName, sum(Requests), sum(Errors),
         quantilesDDMergeState(0.01, 0.5, 0.95, 0.99)(LatencyMsQuantiles), sum(QualityCount), sum(QualitySum),
         sum(QualitySumSq)
       FROM llm_metrics_1m WHERE Minute < toStartOfMinute(fromUnixTimestamp64Milli({at:Int64}))
       GROUP BY Bucket, Environment, PromptName`,
      { at: migration.at },
    );
    log.info('rollup tier filled from the per-minute rollup', { table: tier.table });
  }
}
