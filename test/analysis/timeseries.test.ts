import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Timeseries } from '../../server/analysis/timeseries-query.js';
import { getJson, query } from './http.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { deploymentEvent, generationSpan, hex } from './span-factory.js';

let tl: TestTracelane;
const MIN = 60_000;
// Whole hours, three hours ago: inside retention, and buckets line up with the step.
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3 * 3_600_000;
const env = `ts-${hex(4)}`;
const prompt = 'support-bot';

const get = (path: string) => getJson<Timeseries>(tl.apiUrl, path);

const url = (params: Record<string, string | number>) => '/api/v1/metrics/timeseries?' + query(params);

beforeAll(async () => {
  tl = await startTestTracelane();
  await tl.store.insert('deployment_events', [
    deploymentEvent({ time: T0, environment: env, prompt, version: 1 }),
    deploymentEvent({ time: T0 + 10 * MIN, environment: env, prompt, version: 2, previousVersion: 1 }),
    deploymentEvent({
      time: T0 + 20 * MIN,
      environment: env,
      prompt,
      version: 3,
      previousVersion: 2,
      kind: 'canary_start',
      canaryPercent: 10,
    }),
  ]);
  const base = { environment: env, prompt };
  await tl.store.insert('otel_traces', [
    // Minute 1, version 1: three requests with known numbers.
    generationSpan({
      ...base,
      time: T0 + MIN + 1000,
      version: '1',
      latencyMs: 100,
      costUsd: 0.01,
      inputTokens: 100,
      outputTokens: 10,
      quality: 0.5,
    }),
    generationSpan({
      ...base,
      time: T0 + MIN + 2000,
      version: '1',
      latencyMs: 200,
      costUsd: 0.02,
      inputTokens: 200,
      outputTokens: 30,
      quality: 1,
    }),
    generationSpan({
      ...base,
      time: T0 + MIN + 3000,
      version: '1',
      latencyMs: 300,
      costUsd: null,
      inputTokens: 300,
      outputTokens: null,
      error: true,
    }),
    // Minute 12: no version on the spans → inferred as 2 (deployed at minute 10); another model too.
    generationSpan({ ...base, time: T0 + 12 * MIN, latencyMs: 400 }),
    generationSpan({ ...base, time: T0 + 12 * MIN + 5, latencyMs: 400, model: 'claude-sonnet-4' }),
    // Minute 25: during the canary an unversioned span stays unattributed; a versioned one counts.
    generationSpan({ ...base, time: T0 + 25 * MIN }),
    generationSpan({ ...base, time: T0 + 25 * MIN, version: '3' }),
    // Another environment and a non-generation span are never counted.
    generationSpan({ environment: `${env}-other`, prompt, time: T0 + MIN, version: '1' }),
    { ...generationSpan({ ...base, time: T0 + MIN, version: '1' }), IsGeneration: 0 },
  ]);
});

afterAll(async () => {
  await tl?.close();
});

describe('GET /api/v1/metrics/timeseries', () => {
  it('computes the metrics of each bucket from the rollups', async () => {
    const { status, body } = await get(url({ environment: env, prompt, from: T0, to: T0 + 30 * MIN, step: '1m' }));
    expect(status).toBe(200);
    expect(body.stepSeconds).toBe(60);
    expect(body.series).toHaveLength(1);
    const points = body.series[0]!.points;
    expect(points).toHaveLength(30);
    expect(points[0]).toMatchObject({
      time: new Date(T0).toISOString(),
      requests: 0,
      errorRate: null,
      latencyP50Ms: null,
    });
    const m1 = points[1]!;
    expect(m1).toMatchObject({
      requests: 3,
      errors: 1,
      pricedRequests: 2,
      scoredCount: 2,
      inferredRequests: 0,
    });
    expect(m1.errorRate).toBeCloseTo(1 / 3, 10);
    expect(m1.costPerRequest).toBeCloseTo(0.015, 10);
    expect(m1.totalCost).toBeCloseTo(0.03, 10);
    expect(m1.inputTokensPerRequest).toBeCloseTo(200, 10);
    expect(m1.outputTokensPerRequest).toBeCloseTo(20, 10);
    expect(m1.quality).toBeCloseTo(0.75, 10);
    // 95% t-interval with 1 degree of freedom: 0.75 ± 12.706 · 0.35355 / √2.
    expect(m1.qualityLow).toBeCloseTo(0.75 - 3.1766, 3);
    expect(m1.qualityHigh).toBeCloseTo(0.75 + 3.1766, 3);
    // DDSketch quantiles (1% relative accuracy) take the value at rank ⌊q·(n − 1)⌋: 200 ms for all three here.
    for (const q of [m1.latencyP50Ms, m1.latencyP95Ms, m1.latencyP99Ms]) {
      expect(q).toBeGreaterThan(198);
      expect(q).toBeLessThan(202);
    }
    expect(points[12]).toMatchObject({ requests: 2, inferredRequests: 2 });
    expect(body.deployments.map((d) => d.version)).toEqual([1, 2, 3]);
    expect(body.deployments[2]).toMatchObject({ kind: 'canary_start', canaryPercent: 10, previousVersion: 2 });
  });

  it('attributes unversioned spans to the version deployed at their time, except during a canary', async () => {
    const { body } = await get(
      url({ environment: env, prompt, from: T0, to: T0 + 30 * MIN, step: '1h', groupBy: 'version' }),
    );
    const byVersion = new Map(body.series.map((s) => [s.version, s.points[0]] as const));
    expect([...byVersion.keys()].sort()).toEqual(['', '1', '2', '3']);
    expect(byVersion.get('1')).toMatchObject({ requests: 3, inferredRequests: 0 });
    expect(byVersion.get('2')).toMatchObject({ requests: 2, inferredRequests: 2 });
    expect(byVersion.get('3')).toMatchObject({ requests: 1, inferredRequests: 0 });
    expect(byVersion.get('')).toMatchObject({ requests: 1, inferredRequests: 0 });
  });

  it('filters by an inferred version and groups by model', async () => {
    const { body } = await get(
      url({ environment: env, prompt, from: T0, to: T0 + 30 * MIN, step: '1h', version: '2', groupBy: 'model' }),
    );
    expect(body.series.map((s) => [s.model, s.points[0]?.requests])).toEqual([
      ['claude-sonnet-4', 1],
      ['gpt-4o-mini', 1],
    ]);
  });

  it('rejects bad parameters with a 400 naming the field', async () => {
    const cases: [Record<string, string | number>, string][] = [
      [{ prompt }, 'environment'],
      [{ environment: env }, 'prompt'],
      [{ environment: env, prompt, step: '7m' }, 'step'],
      [{ environment: env, prompt, from: T0, to: T0 + 30 * 86_400_000, step: '1m' }, 'step'],
      [{ environment: env, prompt, groupBy: 'region' }, 'groupBy'],
      [{ environment: env, prompt, from: 'yesterday' }, 'from'],
      [{ environment: env, prompt, from: T0, to: T0 - 1 }, 'from'],
    ];
    for (const [params, field] of cases) {
      const { status, body } = await get(url(params));
      expect({ status, field: body.error?.field }).toEqual({ status: 400, field });
    }
  });
});
