import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../server/log.js';
import { ChdbStore } from '../../server/store/chdb-store.js';
import { loadMigrations, migrate } from '../../server/store/migrate.js';
import { backfillRollupTiers, ROLLUP_TIERS, tierFor } from '../../server/store/rollup-tiers.js';
import { tempDataDir } from '../helpers/tracelane.js';

/**
 * The 10-minute and hourly rollups (migration 008): an installation upgraded with minutes already rolled up gets them
 * copied into the tiers once at start-up, later spans reach the tiers through the chained views, and every tier
 * bucket holds what the same minutes of llm_metrics_1m hold — counts and latency quantiles alike.
 */
const dir = tempDataDir();
const store = new ChdbStore(dir);
const HOUR = 3_600_000;
const now = Math.floor(Date.now() / HOUR) * HOUR;

const spans = (from: number, count: number) =>
  store.exec(
    `INSERT INTO otel_traces (Timestamp, TraceId, SpanId, Duration, Environment, PromptName, IsGeneration, Quality, IsError)
     SELECT fromUnixTimestamp64Milli(toInt64({from:Int64} + number * 7919 % 10800000)), hex(number), hex(number),
       toUInt64((200 + number % 900) * 1e6), 'production', 'tiers', 1, (number % 100) / 100, number % 40 = 0
     FROM numbers({count:UInt64})`,
    { from, count },
  );

beforeAll(async () => {
  const migrations = loadMigrations();
  await migrate(
    store,
    migrations.filter((m) => m.version < 8),
  ); // an installation from before the tiers
  await spans(now - 6 * HOUR, 20_000);
  await migrate(store, migrations);
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const compare = (tier: (typeof ROLLUP_TIERS)[number]) =>
  Promise.all([
    store.query<Record<string, unknown>>(
      `SELECT toUnixTimestamp(${tier.bucketOf}) AS bucket, sum(Requests) AS requests, sum(Errors) AS errors,
         sum(QualitySum) AS quality, quantilesDDMerge(0.01, 0.5, 0.95, 0.99)(LatencyMsQuantiles) AS q
       FROM llm_metrics_1m WHERE PromptName = 'tiers' GROUP BY bucket ORDER BY bucket`,
    ),
    store.query<Record<string, unknown>>(
      `SELECT toUnixTimestamp(Bucket) AS bucket, sum(Requests) AS requests, sum(Errors) AS errors,
         sum(QualitySum) AS quality, quantilesDDMerge(0.01, 0.5, 0.95, 0.99)(LatencyMsQuantiles) AS q
       FROM ${tier.table} WHERE PromptName = 'tiers' GROUP BY bucket ORDER BY bucket`,
    ),
  ]);

it('copies the minutes rolled up before the upgrade into each tier once', async () => {
  for (const tier of ROLLUP_TIERS) expect((await compare(tier))[1]).toEqual([]);
  await backfillRollupTiers(store, silentLogger);
  await backfillRollupTiers(store, silentLogger); // a second start-up copies nothing again
  for (const tier of ROLLUP_TIERS) {
    const [minutes, buckets] = await compare(tier);
    expect(buckets.length).toBeGreaterThan(0);
    expect(buckets).toEqual(minutes);
  }
});

it('rolls later spans up through the chained views, with the same quantiles as the minutes', async () => {
  await spans(now - 3 * HOUR, 20_000);
  for (const tier of ROLLUP_TIERS) {
    const [minutes, buckets] = await compare(tier);
    expect(buckets.map((b) => ({ ...b, quality: Math.round(Number(b.quality) * 1e6) }))).toEqual(
      minutes.map((m) => ({ ...m, quality: Math.round(Number(m.quality) * 1e6) })),
    );
  }
});

it('picks the coarsest tier a bucket size allows', () => {
  expect([60, 300, 600, 900, 1800, 3600, 21_600].map((s) => tierFor(s).table)).toEqual([
    'llm_metrics_1m',
    'llm_metrics_1m',
    'llm_metrics_10m',
    'llm_metrics_1m',
    'llm_metrics_10m',
    'llm_metrics_1h',
    'llm_metrics_1h',
  ]);
});
