import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '../../server/overview/overview.js';
import type { TracePage } from '../../server/traces/list-traces.js';
import { getJson, query } from '../analysis/http.js';
import { RegistryFixture } from '../analysis/registry-fixture.js';
import { generationSpan, hex } from '../analysis/span-factory.js';
import { testEvaluator } from '../analysis/test-evaluator.js';
import { BASE_PROFILE, drawRequest, seededRandom } from '../analysis/traffic.js';
import { startClickHouseFixture, type ClickHouseFixture } from '../fixtures/clickhouse-http-fixture.js';
import { startTestTracelane, tempDataDir, type TestTracelane } from '../helpers/tracelane.js';

/**
 * The same SQL on the @clickhouse/client backend (over the HTTP fixture): the batched analysis run (bound arrays,
 * lane sets, the early-stop segments), the overview from the rollup tiers, and the trace search with its SETTINGS
 * limits, whose breach arrives as an HTTP error code rather than chDB's.
 */
let fixtureDir: string;
let fixture: ClickHouseFixture;
let tl: TestTracelane;
const MIN = 60_000;
const NOW = Math.floor(Date.now() / MIN) * MIN;
const env = `ch-${hex(3)}`;
const prompt = `ch-${hex(3)}`;

beforeAll(async () => {
  fixtureDir = tempDataDir('tracelane-scale-ch-');
  fixture = await startClickHouseFixture(fixtureDir);
  tl = await startTestTracelane({
    CLICKHOUSE_URL: fixture.url,
    CLICKHOUSE_USER: fixture.user,
    CLICKHOUSE_PASSWORD: fixture.password,
    ANALYSIS_INTERVAL_MS: '3600000',
    TRACE_SEARCH_MAX_ROWS: '1000',
  });
  const registry = new RegistryFixture(tl.apiUrl);
  await registry.environment(env, {});
  await registry.prompt(prompt, 2);
  await registry.external(prompt, env, 1, NOW - 300 * MIN);
  await registry.external(prompt, env, 2, NOW - 20 * MIN);
  const random = seededRandom(4);
  const rows = [];
  for (let t = NOW - 60 * MIN; t < NOW; t += MIN / 20) {
    const version = t < NOW - 20 * MIN ? '1' : '2';
    rows.push(generationSpan({ environment: env, prompt, version, time: t, ...drawRequest(random, BASE_PROFILE) }));
  }
  await tl.store.insert('otel_traces', rows);
}, 120_000);

afterAll(async () => {
  await tl?.close();
  await fixture?.close();
  rmSync(fixtureDir, { recursive: true, force: true });
});

describe('on the ClickHouse client backend', () => {
  it('judges deployments in one batched run', async () => {
    expect(tl.store.backend).toBe('clickhouse');
    const outcomes = await testEvaluator(tl, () => NOW).evaluateNow();
    const v2 = outcomes.find((o) => o.analysis.prompt === prompt && o.analysis.version === 2)!;
    expect(v2.reason).toBe('first');
    expect(v2.analysis.candidate.requests).toBe(18 * 20);
    expect(v2.analysis.baseline.requests).toBe(18 * 20);
    expect(['collecting', 'pass', 'warn']).toContain(v2.analysis.verdict);
  });

  it('answers the overview from the rollup tiers', async () => {
    const { status, body } = await getJson<Overview>(tl.apiUrl, `/api/v1/overview?${query({ step: '10m' })}`);
    expect(status).toBe(200);
    const lane = body.lanes.find((l) => l.prompt === prompt)!;
    expect(lane.trend.totals.requests).toBe(60 * 20);
    expect(lane.verdict).not.toBeNull();
  });

  it('searches traces with bound parameters and refuses a search past its row limit', async () => {
    const found = await getJson<TracePage>(tl.apiUrl, `/api/v1/traces?${query({ limit: 5, model: 'gpt-4o-mini' })}`);
    expect(found.status).toBe(400); // 1,200 spans in the last hour; TRACE_SEARCH_MAX_ROWS is 1,000 here
    expect(found.body.error).toMatchObject({ code: 'search_too_broad', field: 'from' });
    const narrow = await getJson<TracePage>(
      tl.apiUrl,
      `/api/v1/traces?${query({ from: NOW - 10 * MIN, to: NOW, q: "') OR 1=1 --" })}`,
    );
    expect(narrow.status).toBe(200);
    expect(narrow.body.traces).toEqual([]);
  });
});
