import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductEvent } from '../../server/events/event-bus.js';
import { queryArmsBatch } from '../../server/analysis/arms-query.js';
import type { Evaluator } from '../../server/analysis/evaluator.js';
import { METRIC_NAMES } from '../../server/stats/index.js';
import type { AnalysisResponse } from '../../server/analysis/analysis-router.js';
import type { RegressionsResponse } from '../../server/analysis/regressions-router.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { getJson, query } from './http.js';
import { RegistryFixture } from './registry-fixture.js';
import { generationSpan, hex } from './span-factory.js';
import { testEvaluator } from './test-evaluator.js';
import { BASE_PROFILE, drawRequest, seededRandom, type TrafficProfile } from './traffic.js';

/**
 * The evaluation loop on spans placed in the store: a deployment with planted regressions (quality −0.15,
 * cost ×1.6) is judged `fail` on exactly those metrics, a `regression.detected` event is published once, the
 * second failing evaluation rolls it back automatically, and the history, regressions list and last known good
 * reflect it. Time is injected: the evaluator's clock runs in the past, where the spans are.
 */
let tl: TestTracelane;
let registry: RegistryFixture;
let evaluator: Evaluator;
let clock = 0;
const events: ProductEvent[] = [];
const MIN = 60_000;
const NOW = Date.now();
const T1 = Math.floor(NOW / MIN) * MIN - 120 * MIN; // the switch to version 2
const env = `ev-${hex(4)}`;
const prompt = `support-${hex(4)}`;
let v2Id = '';

async function traffic(version: string, from: number, to: number, profile: TrafficProfile, seed: number) {
  const random = seededRandom(seed);
  const rows = [];
  const perMinute = 150;
  for (let t = from; t < to; t += MIN / perMinute) {
    const r = drawRequest(random, profile);
    rows.push(generationSpan({ environment: env, prompt, version, time: t, ...r }));
  }
  await tl.store.insert('otel_traces', rows);
}

beforeAll(async () => {
  tl = await startTestTracelane({ ANALYSIS_INTERVAL_MS: '3600000' });
  tl.bus.subscribe((e) => events.push(e));
  registry = new RegistryFixture(tl.apiUrl);
  await registry.prompt(prompt, 2);
  await registry.environment(env, { autoRollback: true, detector: { minMinutesBeforeAutoRollback: 10 } });
  await registry.external(prompt, env, 1, T1 - 180 * MIN);
  v2Id = (await registry.external(prompt, env, 2, T1)).id;
  await traffic('1', T1 - 60 * MIN, T1, BASE_PROFILE, 1);
  await traffic(
    '2',
    T1,
    T1 + 60 * MIN,
    { ...BASE_PROFILE, quality: BASE_PROFILE.quality - 0.15, costUsd: BASE_PROFILE.costUsd * 1.6 },
    2,
  );
  evaluator = testEvaluator(tl, () => clock);
});

afterAll(async () => {
  await tl?.close();
});

const regressionEvents = () => events.filter((e) => e.type === 'regression.detected' && e.data.deploymentId === v2Id);
const updates = (id: string) =>
  events.filter((e) => e.type === 'analysis.updated' && e.data.deploymentId === id).map((e) => e.data);

describe('the evaluation loop', () => {
  it('judges the deployment fail on the planted regressions and pass on the unchanged metrics', async () => {
    clock = T1 + 20 * MIN;
    const outcomes = await evaluator.evaluateNow();
    const outcome = outcomes.find((o) => o.analysis.deploymentId === v2Id);
    expect(outcome?.action).toBeNull();
    const analysis = outcome!.analysis;
    expect(analysis).toMatchObject({
      verdict: 'fail',
      mode: 'before_after',
      final: false,
      version: 2,
      previousVersion: 1,
    });
    const verdicts = Object.fromEntries(analysis.metrics.map((m) => [m.name, m.verdict]));
    expect(verdicts).toEqual({
      error_rate: 'pass',
      latency_p50: 'pass',
      latency_p95: 'pass',
      latency_p99: 'inconclusive', // 2,700 requests per arm; 10,000 needed
      cost_per_request: 'fail',
      input_tokens: 'pass',
      output_tokens: 'pass',
      quality: 'fail',
    });
    expect(analysis.failing).toEqual(['quality']);
    expect(analysis.worstMetric?.name).toBe('quality');
    const quality = analysis.metrics.find((m) => m.name === 'quality')!;
    expect(quality.effect).toBeGreaterThan(-0.2);
    expect(quality.effect).toBeLessThan(-0.1);
    expect(quality.n.candidate).toBe(18 * 150);
    const cost = analysis.metrics.find((m) => m.name === 'cost_per_request')!;
    expect(cost.effect).toBeGreaterThan(1.45);
    expect(cost.effect).toBeLessThan(1.75);
    // The baseline is version 1 in the 18 minutes before the switch; the candidate skips the first 2 minutes.
    expect(analysis.candidate).toMatchObject({
      from: new Date(T1 + 2 * MIN).toISOString(),
      to: new Date(clock).toISOString(),
    });
    expect(analysis.baseline).toMatchObject({ version: 1, from: new Date(T1 - 18 * MIN).toISOString() });
    expect(regressionEvents()).toHaveLength(1);
    expect(regressionEvents()[0]?.data).toMatchObject({
      verdict: 'fail',
      version: 2,
      previousVersion: 1,
      environment: env,
    });
    expect((regressionEvents()[0]?.data.worstMetric as { name: string }).name).toBe('quality');
    expect(updates(v2Id)).toEqual([
      {
        deploymentId: v2Id,
        prompt,
        environment: env,
        version: 2,
        verdict: 'fail',
        previousVerdict: null,
        evaluatedAt: new Date(clock).toISOString(),
        final: false,
        lateData: false,
      },
    ]);
  });

  it('rolls back automatically after the second consecutive failing evaluation', async () => {
    clock = T1 + 21 * MIN;
    const outcomes = await evaluator.evaluateNow();
    const outcome = outcomes.find((o) => o.analysis.deploymentId === v2Id);
    expect(outcome?.analysis.verdict).toBe('fail');
    expect(outcome?.action?.action).toBe('rollback');
    expect(outcome?.action?.event).toMatchObject({ kind: 'rollback', version: 1, actor: 'auto-rollback' });
    expect(outcome?.action?.event.reason).toMatch(/quality 0\.8\d+ → 0\.\d+ \(−0\.1\d+\)/);
    expect(regressionEvents()).toHaveLength(1); // a repeated fail is not a new regression
    expect(updates(v2Id)).toHaveLength(1); // nor an update: the stored verdict did not change
    const resolved = await getJson<{ version: number }>(
      tl.apiUrl,
      `/api/v1/prompts/${prompt}/resolve?${query({ environment: env })}`,
    );
    expect(resolved.body.version).toBe(1);
  });

  it('keeps the evaluation history, with a final evaluation once the window has closed', async () => {
    clock = T1 + 31 * MIN; // the bake window (30 min) is over
    await evaluator.evaluateNow();
    const { status, body } = await getJson<AnalysisResponse>(tl.apiUrl, `/api/v1/deployments/${v2Id}/analysis`);
    expect(status).toBe(200);
    expect(body.stored).toBe(true);
    expect(body.history.map((h) => [h.verdict, h.final])).toEqual([
      ['fail', false],
      ['fail', false],
      ['fail', true],
    ]);
    // The verdict became final: no new regression, but an update for the views showing it.
    expect(regressionEvents()).toHaveLength(1);
    expect(updates(v2Id).map((u) => [u.previousVerdict, u.verdict, u.final])).toEqual([
      [null, 'fail', false],
      ['fail', 'fail', true],
    ]);
    expect(body.metrics.map((m) => m.name)).toEqual(METRIC_NAMES); // every metric, in the spec's order
    expect(body.lastKnownGood).toBeNull(); // version 1 had nothing to be compared with: inconclusive
    // Nothing is left to evaluate: the deployment has its final verdict.
    clock = T1 + 32 * MIN;
    expect((await evaluator.evaluateNow()).filter((o) => o.analysis.deploymentId === v2Id)).toEqual([]);
  });

  it('lists the regression as resolved, worst metric first', async () => {
    const all = await getJson<RegressionsResponse>(tl.apiUrl, `/api/v1/regressions?${query({ environment: env })}`);
    expect(all.status).toBe(200);
    expect(all.body.regressions).toHaveLength(1);
    expect(all.body.regressions[0]).toMatchObject({
      deploymentId: v2Id,
      verdict: 'fail',
      status: 'resolved',
      resolvedBy: { kind: 'rollback', version: 1, actor: 'auto-rollback' },
      worstMetric: { name: 'quality' },
    });
    expect(all.body.regressions[0]?.metrics.map((m) => m.name)).toEqual(['quality', 'cost_per_request']);
    const open = await getJson<RegressionsResponse>(
      tl.apiUrl,
      `/api/v1/regressions?${query({ environment: env, status: 'open' })}`,
    );
    expect(open.body.regressions).toEqual([]);
    const bad = await getJson<RegressionsResponse>(tl.apiUrl, `/api/v1/regressions?${query({ status: 'closed' })}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error?.field).toBe('status');
  });

  it('counts requests above the pooled p95 / p99 in SQL once an arm outgrows its latency sample', async () => {
    const candidate = { version: 2, from: T1 + 2 * MIN, to: T1 + 20 * MIN };
    const baseline = { version: 1, from: T1 - 18 * MIN, to: T1 };
    const early = { candidate: { ...candidate, from: T1 }, baseline: { ...baseline, from: T1 - 20 * MIN } };
    const [arms] = await queryArmsBatch(
      tl.store,
      [{ environment: env, prompt, plan: { candidate, baseline, early } }],
      500,
    );
    if (!arms) throw new Error('no arms');
    for (const arm of [arms.baseline, arms.candidate]) {
      expect(arm.n).toBe(2700);
      expect(arm.latency.samples).toHaveLength(500);
      // Same latency profile in both arms: about 5% and 1% of each arm above the pooled p95 and p99.
      expect(arm.latency.aboveP95Pooled! / arm.n).toBeGreaterThan(0.03);
      expect(arm.latency.aboveP95Pooled! / arm.n).toBeLessThan(0.07);
      expect(arm.latency.aboveP99Pooled! / arm.n).toBeLessThan(0.02);
    }
    expect(arms.candidateModels).toEqual(['gpt-4o-mini']);
  });

  it('answers 404 for an unknown deployment', async () => {
    const { status } = await getJson<AnalysisResponse>(tl.apiUrl, `/api/v1/deployments/${hex(8)}/analysis`);
    expect(status).toBe(404);
  });
});
