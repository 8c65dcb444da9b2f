/**
 * Rollup-repair benchmark (`npm run bench:repair`): what the start-up check costs. 10 million spans over the last
 * 24 hours in a fresh embedded store (bench/analysis-data.ts), then the check of the last ROLLUP_REPAIR_HOURS (24)
 * with nothing to repair (median of RUNS after a warm-up), then a simulated crash — spans of the last 5 minutes
 * written again while the rollup's view is detached — and the repair of those minutes. Ends with:
 *   repair check_ms=<n> repair_ms=<n> minutes=<n> spans=<n>
 * Tunables (environment): BENCH_SPANS (10,000,000), BENCH_BATCH (1,000,000), BENCH_RUNS (3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../server/log.js';
import { ChdbStore } from '../server/store/chdb-store.js';
import { migrate } from '../server/store/migrate.js';
import { repairRollups } from '../server/store/rollup-repair.js';
import { generateTraffic } from './analysis-data.js';

const SPANS = Number(process.env.BENCH_SPANS ?? 10_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const dataDir = mkdtempSync(join(tmpdir(), 'tracelane-bench-repair-'));
const store = new ChdbStore(dataDir);
try {
  await migrate(store);
  const now = Date.now();
  await generateTraffic(store, SPANS, now, BATCH, (done) =>
    process.stdout.write(`\r${done.toLocaleString('en')} spans`),
  );
  console.log();
  const options = { hours: 24, settleMs: 0, now: now + 60_000 };

  await repairRollups(store, silentLogger, options);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const repaired = await repairRollups(store, silentLogger, options);
    times.push(performance.now() - t);
    if (Object.keys(repaired).length > 0) throw new Error(`nothing should need repair: ${JSON.stringify(repaired)}`);
  }
  times.sort((a, b) => a - b);
  const check = times[Math.floor(times.length / 2)] ?? NaN;
  console.log(`check of 24 h, nothing to repair: median ${check.toFixed(0)} ms (min ${times[0]?.toFixed(0)})`);

  await store.exec('DETACH TABLE llm_metrics_1m_mv');
  await store.exec(
    `INSERT INTO otel_traces SELECT * FROM otel_traces
     WHERE Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp < fromUnixTimestamp64Milli({to:Int64})`,
    { from: now - 5 * 60_000, to: now },
  );
  await store.exec('ATTACH TABLE llm_metrics_1m_mv');
  const t = performance.now();
  const repaired = await repairRollups(store, silentLogger, options);
  const repairMs = performance.now() - t;
  const minutes = repaired['llm_metrics_1m'] ?? 0;
  console.log(`repair after a simulated crash: ${minutes} minutes recomputed in ${repairMs.toFixed(0)} ms`);
  console.log(`repair check_ms=${check.toFixed(0)} repair_ms=${repairMs.toFixed(0)} minutes=${minutes} spans=${SPANS}`);
} finally {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
