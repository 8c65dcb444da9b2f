/**
 * The store's own limit, for the ingest benchmark (run by bench/ingest-limits.ts in a process of its own: chDB binds
 * one data folder per process): a fresh embedded store with every migration (so the same table, views and rollups),
 * then the Native blocks in BENCH_BLOCKS_DIR inserted again and again — several blocks per insert, as the write
 * buffer's group commit does — for BENCH_SECONDS. Prints one JSON line: {"spans": n, "seconds": s}.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPAN_COLUMNS } from '../collector/rows/span-row.js';
import { ChdbStore } from '../server/store/chdb-store.js';
import { loadMigrations, migrate } from '../server/store/migrate.js';

const dir = process.env.BENCH_BLOCKS_DIR!;
const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const spansPerBlock = Number(process.env.BENCH_BATCH_SPANS ?? 512);
const blocksPerInsert = Number(process.env.BENCH_BLOCKS_PER_INSERT ?? 32);

const blocks = readdirSync(dir).map((f) => new Uint8Array(readFileSync(join(dir, f))));
const dataDir = mkdtempSync(join(tmpdir(), 'tracelane-bench-store-'));
const store = new ChdbStore(dataDir);
await migrate(store, loadMigrations());
let spans = 0;
let next = 0;
const started = performance.now();
while (performance.now() - started < seconds * 1000) {
  const batch = Array.from({ length: blocksPerInsert }, () => blocks[next++ % blocks.length]!);
  await store.insertNative('otel_traces', SPAN_COLUMNS, batch);
  spans += blocksPerInsert * spansPerBlock;
}
const elapsed = (performance.now() - started) / 1000;
await store.close();
rmSync(dataDir, { recursive: true, force: true });
console.log(JSON.stringify({ spans, seconds: elapsed }));
