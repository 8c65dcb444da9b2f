import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IngestSettings } from '../collector/ingest.js';
import { IngestPool } from '../collector/workers/ingest-pool.js';
import { loadConfig } from '../server/config.js';

/** The collector's ingest settings under the default configuration, as the benchmarked server has them. */
export function defaultIngestSettings(): IngestSettings {
  const config = loadConfig({});
  return {
    promptNameKeys: config.PROMPT_NAME_KEYS,
    promptVersionKeys: config.PROMPT_VERSION_KEYS,
    environmentKeys: config.ENVIRONMENT_KEYS,
    qualityKeys: config.QUALITY_KEYS,
    pricesFile: config.PRICES_FILE,
    maxAttributes: config.SPAN_MAX_ATTRIBUTES,
    maxNameChars: config.NAME_MAX_CHARS,
    maxValueChars: config.ATTRIBUTE_VALUE_MAX_CHARS,
    retentionDays: config.RETENTION_DAYS,
    output: 'native',
  };
}

export interface DecodeLimit {
  spansPerS: number;
  /** Native blocks the pool produced, one per distinct batch (what the store phase inserts). */
  blocks: Uint8Array[];
}

/**
 * Decoding alone: the same worker pool as the server (decode, validate, normalise, encode to Native), fed the same
 * batches by `concurrency` loops in this process — no HTTP, no store.
 */
export async function measureDecode(
  batches: readonly Buffer[],
  spansPerBatch: number,
  concurrency: number,
  seconds: number,
): Promise<DecodeLimit> {
  const pool = new IngestPool(defaultIngestSettings());
  const blocks: Uint8Array[] = [];
  await pool.run(new Uint8Array(batches[0]!), 'protobuf'); // start the workers outside the measurement
  let spans = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, index) => {
      for (let i = index; performance.now() < deadline; i += concurrency) {
        const done = await pool.run(new Uint8Array(batches[i % batches.length]!), 'protobuf');
        spans += done.accepted;
        if (blocks.length < batches.length && i < batches.length) blocks[i] = done.batch.native!;
      }
    }),
  );
  const spansPerS = spans / ((performance.now() - started) / 1000);
  await pool.close();
  return { spansPerS, blocks: blocks.filter(Boolean) };
}

/** The store alone: bench/store-limit.ts in its own process, inserting the decode phase's blocks. */
export async function measureStore(
  blocks: readonly Uint8Array[],
  spansPerBatch: number,
  seconds: number,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tracelane-bench-blocks-'));
  blocks.forEach((block, i) => writeFileSync(join(dir, `${i}.native`), block));
  const script = fileURLToPath(new URL('./store-limit.ts', import.meta.url));
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script], {
        env: {
          ...process.env,
          BENCH_BLOCKS_DIR: dir,
          BENCH_SECONDS: String(seconds),
          BENCH_BATCH_SPANS: String(spansPerBatch),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`store-limit exited with ${code}`))));
    });
    const { spans, seconds: elapsed } = JSON.parse(output.trim().split('\n').pop()!) as {
      spans: number;
      seconds: number;
    };
    return spans / elapsed;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
