/**
 * Ingest benchmark (`npm run bench`). Each phase gets the machine alone, one after the other:
 *  1. limits — decoding alone (the server's worker pool fed in this process: decode, validate, normalise, encode;
 *     no HTTP, no store) and the store alone (the same Native blocks inserted into a fresh store with every
 *     migration, in group-commit-sized inserts; no HTTP, no decoding);
 *  2. end to end over OTLP/HTTP, then over OTLP/gRPC: a fresh server in a child process (`npm start`'s code on a new
 *     embedded store), pre-encoded OTLP protobuf batches of 512 LLM spans from this process over 32 concurrent
 *     requests (after a 3 s warm-up that is not counted), then the server stopped (flushing its buffer) and the
 *     stored rows counted;
 *  3. big exports — 16 concurrent 15 MB exports to a fresh server (retried on 429 until all are stored), for the
 *     server's peak memory under OTLP_MAX_INFLIGHT_BYTES.
 * End-to-end rates are also printed as shares of the two limits measured in the same run, which the machine's noise
 * moves together. Summary lines:
 *   limits decode_spans_per_s=<n> store_spans_per_s=<n>
 *   ingest transport=<http|grpc> spans_per_s=<n> p99_ms=<n> peak_rss_mb=<n> lost=<n> share_of_decode=<r> share_of_store=<r>
 *   bigexports requests=16 body_mb=<n> peak_rss_mb=<n> refused_429=<n> lost=<n>
 * Tunables (environment): BENCH_SECONDS (30, per phase), BENCH_CONCURRENCY (32), BENCH_BATCH_SPANS (512),
 * BENCH_CPU_PROF (a folder for the servers' V8 CPU profiles). Each request waits for its spans' group commit (at
 * most one insert per BUFFER_FLUSH_INTERVAL_MS, 200 ms), so N concurrent requests can never exceed N × 512 spans per
 * 200 ms: 8 would cap the result near 20,000 spans/s whatever the server's speed; 32 leave the server's CPU as the
 * limit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportTraceServiceRequest } from '../collector/otlp/proto-schema.js';
import { ChdbStore } from '../server/store/chdb-store.js';
import { measureDecode, measureStore } from './ingest-limits.js';
import { encodeLlmBatch } from './llm-batch.js';
import { grpcTransport, httpTransport, runLoad, type Transport } from './load.js';
import { cpuSeconds, cpuSecondsByThread, peakRssMb, startServerProcess } from './server-process.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const BATCH_SPANS = Number(process.env.BENCH_BATCH_SPANS ?? 512);
const DISTINCT_BATCHES = 64;

const nowNs = BigInt(Date.now()) * 1_000_000n;
const batches = Array.from({ length: DISTINCT_BATCHES }, (_, i) =>
  Buffer.from(encodeLlmBatch(BATCH_SPANS, i * BATCH_SPANS, nowNs)),
);
console.log(
  `${DISTINCT_BATCHES} batches of ${BATCH_SPANS} spans, ${(batches[0]!.length / 1024).toFixed(0)} KiB each; ` +
    `${CONCURRENCY} concurrent requests, ${SECONDS} s per phase; ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)} before`,
);

const decode = await measureDecode(batches, BATCH_SPANS, CONCURRENCY, SECONDS);
console.log(`decoding alone (worker pool, no HTTP, no store): ${Math.round(decode.spansPerS)} spans/s`);
const storeRate = await measureStore(decode.blocks, BATCH_SPANS, SECONDS);
console.log(`store alone (same table, Native blocks, no HTTP, no decoding): ${Math.round(storeRate)} spans/s`);

const summaries: string[] = [
  `limits decode_spans_per_s=${Math.round(decode.spansPerS)} store_spans_per_s=${Math.round(storeRate)}`,
];
for (const transport of ['http', 'grpc'] as const) summaries.push(await endToEnd(transport));
summaries.push(await bigExports());
console.log(summaries.join('\n'));

/** A fresh server, the load over one transport, then its CPU by thread, peak memory and lost spans. */
async function endToEnd(transport: 'http' | 'grpc'): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracelane-bench-'));
  const server = await startServerProcess({ DATA_DIR: dataDir });
  const pid = server.child.pid!;
  const client: Transport =
    transport === 'http' ? httpTransport(server.otlpUrl, CONCURRENCY) : grpcTransport(server.otlpGrpcAddress);
  // Warm up first (worker threads start, code is compiled and optimised), so the figures are of the steady state.
  const warmUp = await runLoad(client, batches, BATCH_SPANS, CONCURRENCY, 3);
  const cpuBefore = cpuSeconds(pid);
  const threadsBefore = cpuSecondsByThread(pid);
  const load = await runLoad(client, batches, BATCH_SPANS, CONCURRENCY, SECONDS);
  client.close();
  const peakMb = peakRssMb(pid);
  const serverCpuS = cpuSeconds(pid) - cpuBefore;
  const threads = [...cpuSecondsByThread(pid)]
    .map(([name, s]) => [name, s - (threadsBefore.get(name) ?? 0)] as const)
    .filter(([, s]) => s >= 0.05)
    .sort((a, b) => b[1] - a[1]);
  server.child.kill('SIGTERM');
  await server.exited;
  const stored = (await countSpans(dataDir)) - warmUp.acknowledged;
  rmSync(dataDir, { recursive: true, force: true });

  const perSpanUs = (s: number) => ((s * 1e6) / Math.max(1, load.acknowledged)).toFixed(1);
  const rate = load.acknowledged / load.elapsedS;
  console.log(
    `\n${transport}: ${load.requests} requests (${load.failed} failed), ${load.acknowledged} spans acknowledged, ${stored} stored in ${load.elapsedS.toFixed(1)} s`,
  );
  if (load.failed > 0) console.log(`  first failure: ${load.firstFailure}`);
  console.log(
    `  server CPU ${serverCpuS.toFixed(1)} s = ${perSpanUs(serverCpuS)} µs per span (load average ${loadavg()[0]!.toFixed(1)})`,
  );
  console.log(`  by thread (µs per span): ${threads.map(([name, s]) => `${name} ${perSpanUs(s)}`).join(', ')}`);
  return (
    `ingest transport=${transport} spans_per_s=${Math.round(rate)} p99_ms=${Math.round(load.p99Ms)} ` +
    `peak_rss_mb=${Math.round(peakMb)} lost=${Math.max(0, load.acknowledged - stored)} ` +
    `share_of_decode=${(rate / decode.spansPerS).toFixed(2)} share_of_store=${(rate / storeRate).toFixed(2)}`
  );
}

/** 16 concurrent exports of ~15 MB (one span, 100 attributes of 150 KB), each retried after a 429 until stored. */
async function bigExports(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracelane-bench-big-'));
  const server = await startServerProcess({ DATA_DIR: dataDir });
  const pid = server.child.pid!;
  const value = 'v'.repeat(150_000);
  const attributes = Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: { stringValue: value } }));
  const bodies = Array.from({ length: 16 }, (_, i) => {
    const traceId = Buffer.alloc(16, i + 1);
    const spanId = Buffer.alloc(8, i + 1);
    const now = BigInt(Date.now()) * 1_000_000n;
    const span = {
      traceId,
      spanId,
      name: 'big',
      startTimeUnixNano: now.toString(),
      endTimeUnixNano: now.toString(),
      attributes,
    };
    return Buffer.from(
      ExportTraceServiceRequest.encode(
        ExportTraceServiceRequest.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }),
      ).finish(),
    );
  });
  const client = httpTransport(server.otlpUrl, 16);
  let refused = 0;
  let acknowledged = 0;
  await Promise.all(
    bodies.map(async (body) => {
      for (;;) {
        const sent = await client.send(body, 1);
        if (sent.ok) {
          acknowledged += sent.acknowledged;
          return;
        }
        if (!sent.failure.startsWith('429')) throw new Error(`big export failed: ${sent.failure}`);
        refused++;
        await new Promise((resolve) => setTimeout(resolve, 1000)); // Retry-After: 1, as an OTLP client waits
      }
    }),
  );
  client.close();
  const peakMb = peakRssMb(pid);
  server.child.kill('SIGTERM');
  await server.exited;
  const stored = await countSpans(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
  return `bigexports requests=16 body_mb=${(bodies[0]!.length / 1e6).toFixed(1)} peak_rss_mb=${Math.round(peakMb)} refused_429=${refused} lost=${Math.max(0, acknowledged - stored)}`;
}

async function countSpans(dataDir: string): Promise<number> {
  const store = new ChdbStore(dataDir);
  const [{ n } = { n: 0 }] = await store.query<{ n: number }>('SELECT count() AS n FROM otel_traces');
  await store.close();
  return n;
}
