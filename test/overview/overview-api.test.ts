import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysesResponse, AnalysisResponse } from '../../server/analysis/analysis-router.js';
import type { Timeseries } from '../../server/analysis/timeseries-query.js';
import type { Overview, OverviewLane } from '../../server/overview/overview.js';
import type { PromptOverview } from '../../server/registry/prompt-overview.js';
import { getJson, postJson, query } from '../analysis/http.js';
import { RegistryFixture } from '../analysis/registry-fixture.js';
import { generationSpan, hex } from '../analysis/span-factory.js';
import { testEvaluator } from '../analysis/test-evaluator.js';
import { BASE_PROFILE, drawRequest, seededRandom } from '../analysis/traffic.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';

/**
 * `GET /api/v1/overview` answers, in one call, what the overview used to ask lane by lane: the same versions and
 * canary as `GET /prompts/{name}`, the same verdict as `GET /deployments/{id}/analysis`, and the same numbers as
 * `GET /metrics/timeseries` at the same window and step. `lane=` restricts it to the lanes a live event touched.
 */
let tl: TestTracelane;
const MIN = 60_000;
const NOW = Math.floor(Date.now() / MIN) * MIN;
const FROM = NOW - 3 * 60 * MIN;
const TO = NOW;
const envs = [`ov-a-${hex(3)}`, `ov-b-${hex(3)}`];
const prompts = [`ov-p1-${hex(3)}`, `ov-p2-${hex(3)}`, `ov-p3-${hex(3)}`];
const random = seededRandom(3);
let overview: Overview;

async function traffic(env: string, prompt: string, version: string, from: number, to: number, perMinute: number) {
  const rows = [];
  for (let t = from; t < to; t += MIN / perMinute) {
    rows.push(generationSpan({ environment: env, prompt, version, time: t, ...drawRequest(random, BASE_PROFILE) }));
  }
  await tl.store.insert('otel_traces', rows);
}

beforeAll(async () => {
  tl = await startTestTracelane({ ANALYSIS_INTERVAL_MS: '3600000' });
  const registry = new RegistryFixture(tl.apiUrl);
  for (const env of envs) await registry.environment(env, {});
  await registry.prompt(prompts[0]!, 2);
  await registry.prompt(prompts[1]!, 2);
  await postJson(tl.apiUrl, '/api/v1/prompts', { name: prompts[2], tags: ['team:search', 'owner:ana'] });
  // p1: v1 then v2 in env a (judged), v1 in env b; p2: v1 in env a with a canary of v2; p3: never deployed.
  await registry.external(prompts[0]!, envs[0]!, 1, NOW - 5 * 60 * MIN);
  await registry.external(prompts[0]!, envs[0]!, 2, NOW - 60 * MIN);
  await registry.external(prompts[0]!, envs[1]!, 1, NOW - 5 * 60 * MIN);
  await registry.external(prompts[1]!, envs[0]!, 1, NOW - 5 * 60 * MIN);
  await registry.deploy(prompts[1]!, envs[0]!, 2, 20);
  await traffic(envs[0]!, prompts[0]!, '1', FROM, NOW - 60 * MIN, 40);
  await traffic(envs[0]!, prompts[0]!, '2', NOW - 60 * MIN, NOW, 40);
  await traffic(envs[1]!, prompts[0]!, '1', FROM + 30 * MIN, NOW, 20);
  await traffic(envs[0]!, prompts[1]!, '1', FROM, NOW, 10);
  await testEvaluator(tl, () => Date.now()).evaluateNow();
  const res = await getJson<Overview>(tl.apiUrl, `/api/v1/overview?${query({ from: FROM, to: TO })}`);
  expect(res.status).toBe(200);
  overview = res.body;
});

afterAll(async () => {
  await tl?.close();
});

const mine = (o: Overview) => o.lanes.filter((l) => prompts.includes(l.prompt));
const laneOf = (o: Overview, env: string, prompt: string) =>
  o.lanes.find((l) => l.environment === env && l.prompt === prompt) as OverviewLane;

describe('GET /api/v1/overview', () => {
  it('lists every lane where a prompt was deployed, and the prompts deployed nowhere with their tags', () => {
    expect(
      mine(overview)
        .map((l) => [l.prompt, l.environment])
        .sort(),
    ).toEqual(
      [
        [prompts[0], envs[0]],
        [prompts[0], envs[1]],
        [prompts[1], envs[0]],
      ].sort(),
    );
    expect(overview.undeployed).toContainEqual({ name: prompts[2], tags: ['owner:ana', 'team:search'] });
    expect(overview.stepSeconds).toBe(300); // 3 hours in at most 36 points
    expect(overview.buckets.length).toBeLessThanOrEqual(37);
    expect(Date.parse(overview.window.from) % 300_000).toBe(0); // whole buckets
    expect(overview.environments.map((e) => e.name)).toEqual(expect.arrayContaining(envs));
  });

  it('has the versions and canary GET /prompts/{name} has', async () => {
    for (const lane of mine(overview)) {
      const { body } = await getJson<PromptOverview>(tl.apiUrl, `/api/v1/prompts/${lane.prompt}`);
      const { prompt: _p, tags: _t, judgedDeploymentId: _j, verdict: _v, trend: _tr, ...summary } = lane;
      expect(summary).toEqual(body.deployments.find((d) => d.environment === lane.environment));
    }
    expect(laneOf(overview, envs[0]!, prompts[1]!).canary).toMatchObject({ version: 2, percent: 20 });
  });

  it('has the verdict GET /deployments/{id}/analysis has, for the canary when one runs', async () => {
    for (const lane of mine(overview)) {
      const judged = lane.canary?.deploymentId ?? lane.deploymentId;
      expect(lane.judgedDeploymentId).toBe(judged);
      const { body } = await getJson<AnalysisResponse>(tl.apiUrl, `/api/v1/deployments/${judged}/analysis`);
      expect(lane.verdict?.verdict).toBe(body.verdict);
      expect(lane.verdict?.evaluatedAt).toBe(body.evaluatedAt);
      expect(lane.verdict?.reason).toBe(body.reason);
    }
    // The canary has no traffic of its own yet: collecting, not pass.
    expect(laneOf(overview, envs[0]!, prompts[1]!).verdict?.verdict).toBe('collecting');
    const batch = await getJson<AnalysesResponse>(
      tl.apiUrl,
      `/api/v1/analyses?${mine(overview)
        .map((l) => `deployment=${l.judgedDeploymentId}`)
        .join('&')}`,
    );
    expect(batch.body.analyses.map((a) => a.verdict).sort()).toEqual(
      mine(overview)
        .map((l) => l.verdict?.verdict)
        .sort(),
    );
  });

  it.each(['5m', '10m', '1h'])(
    'has the numbers GET /metrics/timeseries has at the same window and step (%s)',
    async (step) => {
      const { body: o } = await getJson<Overview>(tl.apiUrl, `/api/v1/overview?${query({ from: FROM, to: TO, step })}`);
      for (const lane of mine(o)) {
        const { body } = await getJson<Timeseries>(
          tl.apiUrl,
          `/api/v1/metrics/timeseries?${query({ environment: lane.environment, prompt: lane.prompt, from: o.window.from, to: o.window.to, step })}`,
        );
        const points = body.series[0]!.points;
        expect(points.map((p) => p.time)).toEqual(o.buckets);
        const { quality, ...exact } = lane.trend.series;
        expect(exact).toEqual({
          requests: points.map((p) => p.requests),
          latencyP95Ms: points.map((p) => p.latencyP95Ms),
          errorRate: points.map((p) => p.errorRate),
        });
        // Sums of quality scores added in another order (per 10 minutes, then per bucket) differ in the last digit.
        quality.forEach((q, i) => {
          const expected = points[i]!.quality;
          if (expected === null) expect(q).toBeNull();
          else expect(q).toBeCloseTo(expected, 12);
        });
        expect(lane.trend.totals.requests).toBe(points.reduce((n, p) => n + p.requests, 0));
        expect(lane.trend.totals.latestP95Ms).toBe(
          points.findLast((p) => p.latencyP95Ms !== null)?.latencyP95Ms ?? null,
        );
      }
      expect(laneOf(o, envs[0]!, prompts[0]!).trend.totals.requests).toBe(180 * 40);
    },
  );

  it('answers only the lanes asked for, with the same content', async () => {
    const lane = `${envs[1]}:${prompts[0]}`;
    const { status, body } = await getJson<Overview>(
      tl.apiUrl,
      `/api/v1/overview?${query({ from: FROM, to: TO, lane })}`,
    );
    expect(status).toBe(200);
    expect(body.lanes).toEqual([laneOf(overview, envs[1]!, prompts[0]!)]);
    expect(body.undeployed).toEqual([]);
  });

  it('shows tags changed with PATCH /prompts/{name}', async () => {
    const patched = await postJson<PromptOverview>(
      tl.apiUrl,
      `/api/v1/prompts/${prompts[0]}`,
      { tags: ['team:billing', 'team:billing', 'owner:bo'] },
      'PATCH',
    );
    expect(patched.status).toBe(200);
    expect(patched.body.tags).toEqual(['owner:bo', 'team:billing']);
    const { body } = await getJson<Overview>(
      tl.apiUrl,
      `/api/v1/overview?${query({ lane: `${envs[0]}:${prompts[0]}` })}`,
    );
    expect(body.lanes[0]?.tags).toEqual(['owner:bo', 'team:billing']);
    const bad = await postJson(tl.apiUrl, `/api/v1/prompts/${prompts[0]}`, { tags: ['no spaces'] }, 'PATCH');
    expect(bad).toMatchObject({ status: 400, body: { error: { field: 'tags.0' } } });
  });

  it.each([
    ['lane=nocolon', 'lane'],
    ["lane=a:') OR 1=1 --", 'lane'],
    ['step=7m', 'step'],
    [`step=1m&from=${NOW - 86_400_000}`, 'step'],
    ['verdict=fail', 'verdict'],
  ])('answers 400 naming the parameter for %s', async (q, field) => {
    const { status, body } = await getJson<Overview>(tl.apiUrl, `/api/v1/overview?${q}`);
    expect(status).toBe(400);
    expect(body.error?.field).toBe(field);
  });
});
