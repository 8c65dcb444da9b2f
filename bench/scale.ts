/**
 * Scale benchmark (`npm run bench:scale`): a fresh embedded store with 500 prompts in 4 environments, 1,000
 * deployments inside their bake windows and 50 million spans over 7 days (captured content on 2%), then, each the
 * median of several runs:
 *   - the overview in Chromium: API calls and time to its data;
 *   - a burst of 200 deployment events with the overview open: the API calls it caused;
 *   - analysis-loop CPU seconds per minute with no new data, and with steady traffic;
 *   - a trace search over 24 h by attribute and by text.
 * Last line: scale overview_calls=<n> overview_ms=<n> burst_calls=<n> loop_cpu_s_per_min=<n> search_attr_ms=<n> search_text_ms=<n>
 * Tunables: BENCH_SCALE (1 = 50 M spans; 0.02 for a quick run), BENCH_RUNS (5), BENCH_BATCH (1,000,000 spans),
 * BENCH_KEEP_DATA=1 keeps the data folder. Screenshots go to test-artifacts/bench-*.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvaluator } from '../server/analysis/evaluator.js';
import { loadConfig } from '../server/config.js';
import { silentLogger } from '../server/log.js';
import { createRegistry } from '../server/registry/registry.js';
import { startTracelane } from '../server/tracelane.js';
import { ensureWebBuilt, launchBrowser, screenshot } from '../test/web/browser.js';
import {
  ENVIRONMENTS,
  generateSpans,
  PROMPTS,
  promptName,
  RARE_CUSTOMER,
  RARE_PHRASE,
  steadyTraffic,
} from './scale-data.js';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BATCH = Number(process.env.BENCH_BATCH ?? 1_000_000);
const SPANS = Math.round(50_000_000 * SCALE);
const DAYS = 7;
const DEPLOYMENTS = 1000;
const LOOP_INTERVAL_S = 10;
const MIN = 60_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const fmt = (xs: number[], digits = 0) =>
  `median ${median(xs).toFixed(digits)} (min ${Math.min(...xs).toFixed(digits)}, max ${Math.max(...xs).toFixed(digits)})`;
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const iso = (ms: number) => new Date(ms).toISOString();

const dataDir = mkdtempSync(join(tmpdir(), 'tracelane-bench-scale-'));
await ensureWebBuilt();
const tl = await startTracelane(
  loadConfig({
    PORT: '0',
    OTLP_PORT: '0',
    OTLP_GRPC_PORT: '0',
    DATA_DIR: dataDir,
    ANALYSIS_INTERVAL_MS: '3600000',
    LOG_FORMAT: 'json',
  }),
  silentLogger,
);
const { store } = tl;
try {
  const now = Date.now();
  console.log(
    `data: ${dataDir}; ${SPANS.toLocaleString('en')} spans over ${DAYS} days, ${PROMPTS} prompts × ${ENVIRONMENTS.length} environments`,
  );
  let t0 = performance.now();
  await generateSpans(store, { spans: SPANS, end: now - MIN, days: DAYS, batch: BATCH, contentShare: 0.02 }, (done) =>
    process.stdout.write(`\rgenerated ${done.toLocaleString('en')} spans`),
  );
  console.log(`\nspans stored in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  // The registry, in bulk: every lane runs version 1 since before the data; 1,000 lanes got version 2 in the last
  // 25 minutes (inside their 30-minute bake windows).
  await store.insert(
    'prompts',
    Array.from({ length: PROMPTS }, (_, i) => ({
      name: promptName(i),
      description: '',
      tags: [`team:${['billing', 'support', 'search', 'growth'][i % 4]}`],
      created_at: iso(now - 9 * 86_400_000),
      created_by: 'bench',
      updated_at: iso(now - 9 * 86_400_000),
    })),
  );
  const lanes = ENVIRONMENTS.flatMap((environment) =>
    Array.from({ length: PROMPTS }, (_, i) => ({ environment, prompt: promptName(i) })),
  );
  const event = (lane: { environment: string; prompt: string }, i: number, version: number, time: number) => ({
    id: `bench-${version}-${i}`,
    time: iso(time),
    environment: lane.environment,
    prompt: lane.prompt,
    version,
    previous_version: version === 1 ? null : 1,
    kind: version === 1 ? 'external' : 'deploy',
    actor: 'bench',
    reason: 'bench',
    recorded_at: iso(time),
  });
  await store.insert('deployment_events', [
    ...lanes.map((lane, i) => event(lane, i, 1, now - 8 * 86_400_000)),
    ...lanes
      .slice(0, DEPLOYMENTS * 2)
      .filter((_, i) => i % 2 === 0)
      .map((lane, i) => event(lane, i, 2, now - (1 + (i % 25)) * MIN)),
  ]);
  const [{ rows }] = (await store.query<{ rows: number }>('SELECT count() AS rows FROM otel_traces')) as [
    { rows: number },
  ];
  console.log(
    `${rows.toLocaleString('en')} spans, ${lanes.length} lanes, ${DEPLOYMENTS} deployments in their bake windows`,
  );

  // ---- Analysis loop -----------------------------------------------------------------------------------------
  const deps = { store, bus: tl.bus, log: silentLogger };
  const evaluator = createEvaluator({ ...deps, registry: createRegistry(deps), minIntervalMs: LOOP_INTERVAL_S * 1000 });
  t0 = performance.now();
  let cpu = cpuSeconds();
  const first = await evaluator.evaluateNow();
  console.log(
    `first run: ${first.length} deployments judged in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${(cpuSeconds() - cpu).toFixed(1)} CPU-s`,
  );
  await store.exec('SYSTEM STOP MERGES'); // so that process CPU is the loop's, not the background merges'
  const runCpu = async (before: () => Promise<void>) => {
    const perRun: number[] = [];
    let judged = 0;
    for (let i = 0; i < Math.max(RUNS, 6); i++) {
      await before();
      cpu = cpuSeconds();
      judged += (await evaluator.evaluateNow()).length;
      perRun.push(cpuSeconds() - cpu);
    }
    return { perMinute: perRun.map((c) => (c * 60) / LOOP_INTERVAL_S), judged };
  };
  const idle = await runCpu(() => Promise.resolve());
  console.log(`loop, no new data: ${idle.judged} re-evaluations; CPU-s per minute ${fmt(idle.perMinute, 2)}`);
  const spansPerSecond = SPANS / (DAYS * 86_400);
  const steady = await runCpu(() =>
    steadyTraffic(store, Math.round(spansPerSecond * LOOP_INTERVAL_S), Date.now(), LOOP_INTERVAL_S),
  );
  console.log(
    `loop, steady traffic (${spansPerSecond.toFixed(0)} spans/s): ${steady.judged} re-evaluations; CPU-s per minute ${fmt(steady.perMinute, 2)}`,
  );
  await store.exec('SYSTEM START MERGES');

  // ---- Trace search ------------------------------------------------------------------------------------------
  const search = async (query: string) => {
    const times: number[] = [];
    let found = 0;
    for (let i = 0; i <= RUNS; i++) {
      const start = performance.now();
      const res = await fetch(`${tl.apiUrl}/api/v1/traces?from=${iso(Date.now() - 86_400_000)}&${query}`);
      const body = (await res.json()) as { traces?: unknown[]; error?: { message: string } };
      if (!res.ok) throw new Error(`search ${query}: ${res.status} ${body.error?.message}`);
      found = body.traces?.length ?? 0;
      if (i > 0) times.push(performance.now() - start);
    }
    return { times, found };
  };
  const byAttr = await search(`attr=${encodeURIComponent(`customer.id=${RARE_CUSTOMER}`)}`);
  console.log(`search by attribute over 24 h (${byAttr.found} traces): ms ${fmt(byAttr.times)}`);
  const byText = await search(`q=${encodeURIComponent(RARE_PHRASE)}`);
  console.log(`search by text over 24 h (${byText.found} traces): ms ${fmt(byText.times)}`);

  // ---- The overview in a browser -----------------------------------------------------------------------------
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const calls: string[] = [];
    let lastCall = 0;
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/api/')) {
        calls.push(url.pathname);
        lastCall = Date.now();
      }
    });
    const quiet = async (ms: number) => {
      while (Date.now() - lastCall < ms) await new Promise((r) => setTimeout(r, 100));
    };
    const loads: number[] = [];
    const loadCalls: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      calls.length = 0;
      const start = performance.now();
      await page.goto(`${tl.apiUrl}/`);
      await page.getByRole('status').filter({ hasText: 'lanes shown' }).waitFor({ timeout: 120_000 });
      const ms = performance.now() - start;
      await quiet(2000);
      if (i > 0) {
        loads.push(ms);
        loadCalls.push(calls.length);
      }
    }
    console.log(`overview: API calls ${fmt(loadCalls)}; ms to its data ${fmt(loads)}`);
    await screenshot(page, 'bench-overview-500-prompts', false);
    await page.goto(`${tl.apiUrl}/?view=lanes`);
    await page.getByRole('region', { name: 'production' }).waitFor({ timeout: 120_000 });
    await screenshot(page, 'bench-overview-500-prompts-lanes', false);
    await page.goto(`${tl.apiUrl}/`);
    await page.getByRole('status').filter({ hasText: 'lanes shown' }).waitFor({ timeout: 120_000 });
    await quiet(2000);

    const bursts: number[] = [];
    for (let b = 0; b < 3; b++) {
      calls.length = 0;
      for (let i = 0; i < 200; i++) {
        const lane = lanes[(b * 200 + i) % lanes.length]!;
        tl.bus.publish('deployment.created', {
          id: `burst-${b}-${i}`,
          time: iso(Date.now()),
          ...lane,
          kind: 'deploy',
          version: 2,
          previousVersion: 1,
        });
      }
      lastCall = Date.now();
      await quiet(5000);
      bursts.push(calls.length);
    }
    console.log(`burst of 200 deployment events: API calls ${fmt(bursts)}`);
    await screenshot(page, 'bench-overview-after-burst', false);
    console.log(
      `scale overview_calls=${median(loadCalls)} overview_ms=${Math.round(median(loads))} burst_calls=${median(bursts)} loop_cpu_s_per_min=${median(idle.perMinute).toFixed(2)} search_attr_ms=${Math.round(median(byAttr.times))} search_text_ms=${Math.round(median(byText.times))}`,
    );
  } finally {
    await browser.close();
  }
} finally {
  await tl.close();
  if (process.env.BENCH_KEEP_DATA !== '1') rmSync(dataDir, { recursive: true, force: true });
}
