/**
 * Experiment benchmark (`npm run bench:experiments`): a fresh embedded Tracelane and a fake OpenAI-compatible
 * provider answering at once, a dataset of BENCH_ITEMS items (default 500), then one run of a version over it through
 * a connection allowing BENCH_CONCURRENCY calls at once (default 16), scored by a JSON-field evaluator. What it
 * measures is Tracelane's own cost per item: rendering, the call site, scoring, storing the result and the item's
 * trace through the collector. Prints the figures and ends with:
 *   experiments items=<n> items_per_s=<n> wall_ms=<n> peak_rss_mb=<n>
 */
import { rmSync } from 'node:fs';
import { loadConfig } from '../server/config.js';
import { silentLogger } from '../server/log.js';
import { startTracelane } from '../server/tracelane.js';
import { startFakeOpenAI } from '../test/fixtures/fake-model-servers.js';
import { tempDataDir } from '../test/helpers/tracelane.js';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

const dataDir = tempDataDir('tracelane-bench-exp-');
const fake = await startFakeOpenAI();
fake.answer = () => '{"team":"billing"}';
const tl = await startTracelane(
  loadConfig({ PORT: '0', OTLP_PORT: '0', OTLP_GRPC_PORT: '0', DATA_DIR: dataDir }),
  silentLogger,
);
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${tl.apiUrl}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json)}`);
  return json;
}

try {
  await call('POST', '/prompts', { name: 'bench' });
  await call('POST', '/prompts/bench/versions', {
    provider: 'openai',
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Route: {{ticket}}' }],
    variables: ['ticket'],
  });
  const items = Array.from({ length: ITEMS }, (_, i) => ({
    input: { ticket: `ticket ${i}` },
    expected: { team: i % 4 === 0 ? 'auth' : 'billing' },
    category: ['billing', 'auth', 'api', 'dashboard'][i % 4],
  }));
  await call('POST', '/datasets', { name: 'bench', items });
  await call('POST', '/evaluators', { name: 'team', config: { type: 'json_field', field: 'team' } });
  await call('POST', '/connections', {
    name: 'fake',
    kind: 'openai',
    baseUrl: fake.url,
    maxConcurrency: CONCURRENCY,
    requestsPerMinute: 100_000,
  });
  const started = performance.now();
  const run = await call('POST', '/experiments', {
    prompt: 'bench',
    version: 1,
    dataset: 'bench',
    evaluators: ['team'],
  });
  for (;;) {
    const state = await call('GET', `/experiments/${String(run.id)}`);
    if (state.state !== 'running' && state.state !== 'queued') {
      if (state.state !== 'completed') throw new Error(`run ended ${String(state.state)}: ${String(state.message)}`);
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const wallMs = performance.now() - started;
  const perSecond = ITEMS / (wallMs / 1000);
  console.log(`${ITEMS} items, ${CONCURRENCY} calls at once: ${wallMs.toFixed(0)} ms, ${perSecond.toFixed(1)} items/s`);
  console.log(
    `experiments items=${ITEMS} items_per_s=${perSecond.toFixed(1)} wall_ms=${wallMs.toFixed(0)} peak_rss_mb=${(peakRss / 1e6).toFixed(0)}`,
  );
} finally {
  clearInterval(sampler);
  await tl.close();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
}
