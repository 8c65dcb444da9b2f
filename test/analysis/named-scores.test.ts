import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentAnalysis } from '../../server/analysis/analyze-deployment.js';
import type { Comparison } from '../../server/analysis/compare-query.js';
import type { Evaluator } from '../../server/analysis/evaluator.js';
import type { Timeseries } from '../../server/analysis/timeseries-query.js';
import type { EnvironmentChange } from '../../server/registry/environment-audit.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { getJson, postJson, query } from './http.js';
import { RegistryFixture } from './registry-fixture.js';
import { generationSpan, hex, nanoTime } from './span-factory.js';
import { testEvaluator } from './test-evaluator.js';

/**
 * Two named scores on the canaries of two prompts in one environment whose only critical score is routing_correct:
 * routing_correct arrives as gen_ai.evaluation.result span events, helpfulness as posted scores. Where the critical
 * score drops the verdict fails naming it; where only helpfulness drops the deployment passes.
 */
let tl: TestTracelane;
let evaluator: Evaluator;
let clock = 0;
const MIN = 60_000;
const env = `ns-${hex(4)}`;
const routed = `routing-${hex(3)}`; // routing_correct drops on version 2
const helpful = `helpful-${hex(3)}`; // helpfulness drops on version 2
const deployments = new Map<string, { id: string; start: number }>();
const PER_ARM = 150;

/** Value i of a score whose mean is `rate` tenths (exact per 10 values). */
const bernoulli = (i: number, tenths: number) => (i % 10 < tenths ? 1 : 0);

function lane(prompt: string, start: number, drop: 'routing_correct' | 'helpfulness') {
  const spans = [];
  const scores = [];
  for (let i = 0; i < 2 * PER_ARM; i++) {
    const version = 1 + (i % 2);
    const k = Math.floor(i / 2);
    const candidate = version === 2;
    const routing = bernoulli(k, candidate && drop === 'routing_correct' ? 5 : 9);
    const helpfulness = candidate && drop === 'helpfulness' ? 0.3 : 0.8 + (k % 3) * 0.05;
    const time = start + 1000 + (i * 4 * MIN) / (2 * PER_ARM);
    const span = generationSpan({ environment: env, prompt, version: String(version), time });
    spans.push({
      ...span,
      'Events.Timestamp': [span.Timestamp],
      'Events.Name': ['gen_ai.evaluation.result'],
      'Events.Attributes': [
        { 'gen_ai.evaluation.name': 'routing_correct', 'gen_ai.evaluation.score.value': String(routing) },
      ],
    });
    scores.push({
      id: `score_${hex(8)}`,
      trace_id: span.TraceId,
      span_id: span.SpanId,
      name: 'helpfulness',
      value: helpfulness,
      source: 'evaluator',
      comment: '',
      environment: env,
      prompt,
      version: String(version),
      model: span.Model,
      span_time: nanoTime(time),
      created_at: nanoTime(time),
      actor: 'test',
    });
  }
  return { spans, scores };
}

beforeAll(async () => {
  tl = await startTestTracelane({ ANALYSIS_INTERVAL_MS: '3600000' });
  const registry = new RegistryFixture(tl.apiUrl);
  await registry.environment(env, {
    canary: { percent: 50, bakeMinutes: 5 },
    detector: {
      skipMinutesAfterSwitch: 0,
      criticalMetrics: [],
      criticalScores: ['routing_correct'],
      metrics: { quality: { minSamples: 40 } },
    },
  });
  for (const [prompt, drop] of [
    [routed, 'routing_correct'],
    [helpful, 'helpfulness'],
  ] as const) {
    await registry.prompt(prompt, 2);
    await registry.external(prompt, env, 1, Date.now() - 60 * MIN);
    const canary = await registry.deploy(prompt, env, 2, 50);
    const start = Date.parse(canary.time);
    deployments.set(prompt, { id: canary.id, start });
    const { spans, scores } = lane(prompt, start, drop);
    await tl.store.insert('otel_traces', spans);
    await tl.store.insert('scores', scores);
  }
  evaluator = testEvaluator(tl, () => clock);
});

afterAll(async () => {
  await tl?.close();
});

const analysisOf = async (prompt: string): Promise<DeploymentAnalysis> => {
  const { id, start } = deployments.get(prompt)!;
  clock = start + 6 * MIN;
  const outcome = (await evaluator.evaluateNow()).find((o) => o.analysis.deploymentId === id);
  if (outcome) return outcome.analysis;
  const { body } = await getJson<DeploymentAnalysis>(tl.apiUrl, `/api/v1/deployments/${id}/analysis`);
  return body;
};

describe('named scores', () => {
  it('fail the verdict when a critical score drops, naming the score', async () => {
    const analysis = await analysisOf(routed);
    expect(analysis.verdict, analysis.reason).toBe('fail');
    expect(analysis.failing).toEqual(['score:routing_correct']);
    expect(analysis.reason).toMatch(/score routing_correct 0\.9 → 0\.5/);
    const metric = analysis.metrics.find((m) => m.name === 'score:routing_correct');
    expect(metric).toMatchObject({ critical: true, n: { baseline: PER_ARM, candidate: PER_ARM } });
    // quality (every score together) is not judged once the environment names its critical scores.
    expect(analysis.metrics.some((m) => m.name === 'quality')).toBe(false);
  });

  it('do not fail the verdict when a score that is not critical drops', async () => {
    const analysis = await analysisOf(helpful);
    expect(analysis.verdict, analysis.reason).toBe('pass');
    expect(analysis.failing).toEqual([]);
    expect(analysis.metrics.find((m) => m.name === 'score:routing_correct')?.verdict).toBe('pass');
  });

  it('chart each score by version, and compare versions per score (JSON and CSV)', async () => {
    const { start } = deployments.get(helpful)!;
    const window = { environment: env, prompt: helpful, from: start - MIN, to: start + 6 * MIN };
    const series = await getJson<Timeseries>(
      tl.apiUrl,
      // one daily bucket holds the whole lane (a 10-minute one may split it and its exact means)
      '/api/v1/metrics/timeseries?' + query({ ...window, step: '1d', groupBy: 'version' }),
    );
    expect(series.status).toBe(200);
    expect(series.body.scoreNames).toEqual(['helpfulness', 'routing_correct']);
    const mean = (version: string, name: string) => {
      const points = series.body.series.find((s) => s.version === version)!.points;
      return points.map((p) => p.scores[name]).find((v) => v !== null);
    };
    expect(mean('2', 'helpfulness')).toBeCloseTo(0.3, 9);
    expect(mean('1', 'routing_correct')).toBeCloseTo(0.9, 9);

    const compare = await getJson<Comparison>(tl.apiUrl, '/api/v1/compare?' + query(window));
    expect(compare.body.scoreNames).toEqual(['helpfulness', 'routing_correct']);
    const row = (version: string) => compare.body.rows.find((r) => r.version === version)!;
    expect(row('2').scores.helpfulness).toMatchObject({ count: PER_ARM });
    expect(row('2').scores.helpfulness!.mean).toBeCloseTo(0.3, 9);
    expect(row('1').scores.routing_correct!.mean).toBeCloseTo(0.9, 9);

    const csv = await fetch(`${tl.apiUrl}/api/v1/compare?${query(window)}`, { headers: { accept: 'text/csv' } });
    const [header, first] = (await csv.text()).split('\r\n');
    expect(header).toContain('score:helpfulness,score:helpfulness:n,score:routing_correct,score:routing_correct:n');
    expect(first).toMatch(/^1,/);
  });

  it('keep the name of a posted score', async () => {
    const { start } = deployments.get(routed)!;
    const span = generationSpan({ environment: env, prompt: routed, version: '2', time: start + 2 * MIN });
    await tl.store.insert('otel_traces', [span]);
    const posted = await postJson(tl.apiUrl, '/api/v1/scores', {
      traceId: span.TraceId,
      name: 'tone',
      value: 0.25,
      source: 'human',
    });
    expect(posted.status).toBe(201);
    const window = { environment: env, prompt: routed, from: start - MIN, to: start + 6 * MIN };
    const compare = await getJson<Comparison>(tl.apiUrl, '/api/v1/compare?' + query(window));
    expect(compare.body.rows.find((r) => r.version === '2')?.scores.tone).toMatchObject({ mean: 0.25, count: 1 });
  });

  it('are named in an audited environment setting, checked when set', async () => {
    const bad = await postJson(
      tl.apiUrl,
      `/api/v1/environments/${env}`,
      { policies: { detector: { criticalScores: ['routing_correct', ''] } } },
      'PATCH',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error?.field).toMatch(/^policies\.detector\.criticalScores/);
    const good = await postJson(
      tl.apiUrl,
      `/api/v1/environments/${env}`,
      { policies: { detector: { criticalScores: ['routing_correct', 'helpfulness'] } } },
      'PATCH',
    );
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    const changes = await getJson<{ changes: EnvironmentChange[] }>(tl.apiUrl, `/api/v1/environments/${env}/changes`);
    const latest = changes.body.changes[0]!;
    expect(latest.changes).toContainEqual({
      field: 'policies.detector.criticalScores',
      from: ['routing_correct'],
      to: ['routing_correct', 'helpfulness'],
    });
  });
});
