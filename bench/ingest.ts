/**
 * Ingest benchmark (`npm run bench`): starts the server as a child process on a fresh data folder (embedded store),
 * sends pre-encoded OTLP protobuf batches of 512 LLM spans over keep-alive loopback connections from this process,
 * then stops the server (flushing its buffer), counts the stored rows and prints one summary line:
 *   ingest spans_per_s=<n> p99_ms=<n> peak_rss_mb=<n> lost=<n>
 * Tunables (environment): BENCH_SECONDS (30), BENCH_CONCURRENCY (32), BENCH_BATCH_SPANS (512), BENCH_CPU_PROF (a
 * folder for the server's V8 CPU profile). Each connection waits for its spans' group commit (at most one insert per
 * BUFFER_FLUSH_INTERVAL_MS, 200 ms), so N connections can never exceed N × 512 spans per 200 ms: 8 would cap the
 * result near 20,000 spans/s whatever the server's speed; 32 leave the server's CPU as the limit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChdbStore } from '../server/store/chdb-store.js';
import { ExportTraceServiceResponse } from '../collector/otlp/proto-schema.js';
import { encodeLlmBatch } from './llm-batch.js';
import { cpuSeconds, cpuSecondsByThread, peakRssMb, startServerProcess } from './server-process.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const BATCH_SPANS = Number(process.env.BENCH_BATCH_SPANS ?? 512);
const DISTINCT_BATCHES = 64;

const dataDir = mkdtempSync(join(tmpdir(), 'tracelane-bench-'));
const server = await startServerProcess({ DATA_DIR: dataDir });
const pid = server.child.pid!;
console.log(`server pid ${pid}, collector ${server.otlpUrl}, data ${dataDir}`);

const nowNs = BigInt(Date.now()) * 1_000_000n;
const batches = Array.from({ length: DISTINCT_BATCHES }, (_, i) =>
  Buffer.from(encodeLlmBatch(BATCH_SPANS, i * BATCH_SPANS, nowNs)),
);
console.log(
  `${DISTINCT_BATCHES} batches of ${BATCH_SPANS} spans, ${(batches[0]!.length / 1024).toFixed(0)} KiB each; ${CONCURRENCY} connections for ${SECONDS}s`,
);

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const url = new URL('/v1/traces', server.otlpUrl);
const latenciesMs: number[] = [];
let acknowledged = 0;
let failed = 0;

function send(body: Buffer): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function worker(index: number, deadline: number): Promise<void> {
  for (let i = index; performance.now() < deadline; i += CONCURRENCY) {
    const started = performance.now();
    const res = await send(batches[i % DISTINCT_BATCHES]!);
    latenciesMs.push(performance.now() - started);
    if (res.status !== 200) {
      if (failed++ === 0) console.log(`first failure: ${res.status} ${res.body.toString('latin1').slice(0, 300)}`);
      continue;
    }
    const response = ExportTraceServiceResponse.decode(res.body) as {
      partialSuccess?: { rejectedSpans?: number | { toNumber(): number } };
    };
    const rejected = Number(response.partialSuccess?.rejectedSpans ?? 0);
    acknowledged += BATCH_SPANS - rejected;
  }
}

const started = performance.now();
const cpuBefore = cpuSeconds(pid);
const threadsBefore = cpuSecondsByThread(pid);
await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => worker(i, started + SECONDS * 1000)));
const elapsedS = (performance.now() - started) / 1000;
agent.destroy();

const peakMb = peakRssMb(pid);
const serverCpuS = cpuSeconds(pid) - cpuBefore;
const threadCpuS = [...cpuSecondsByThread(pid)]
  .map(([name, s]) => [name, s - (threadsBefore.get(name) ?? 0)] as const)
  .filter(([, s]) => s >= 0.05)
  .sort((a, b) => b[1] - a[1]);
server.child.kill('SIGTERM');
await server.exited;

const store = new ChdbStore(dataDir);
const [{ stored } = { stored: 0 }] = await store.query<{ stored: number }>('SELECT count() AS stored FROM otel_traces');
await store.close();
rmSync(dataDir, { recursive: true, force: true });

latenciesMs.sort((a, b) => a - b);
const p99 = latenciesMs[Math.min(latenciesMs.length - 1, Math.floor(latenciesMs.length * 0.99))] ?? NaN;
const spansPerS = acknowledged / elapsedS;
console.log(
  `server CPU ${serverCpuS.toFixed(1)} s = ${((serverCpuS * 1e6) / Math.max(1, acknowledged)).toFixed(1)} µs per span ` +
    `(load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs)`,
);
console.log(
  `  by thread (µs per span): ${threadCpuS.map(([name, s]) => `${name} ${((s * 1e6) / Math.max(1, acknowledged)).toFixed(1)}`).join(', ')}`,
);
console.log(
  `${latenciesMs.length} requests (${failed} not 200), ${acknowledged} spans acknowledged, ${stored} stored in ${elapsedS.toFixed(1)}s`,
);
console.log(
  `ingest spans_per_s=${Math.round(spansPerS)} p99_ms=${Math.round(p99)} peak_rss_mb=${Math.round(peakMb)} lost=${Math.max(0, acknowledged - stored)}`,
);
