import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisResponse } from '../../server/analysis/analysis-router.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { getJson } from './http.js';
import { RegistryFixture } from './registry-fixture.js';
import { generationSpan, hex } from './span-factory.js';
import { BASE_PROFILE, drawRequest, seededRandom, type TrafficProfile } from './traffic.js';

/**
 * A provider-wide slowdown at the time of a deployment (×1.7 latency for every prompt on the model) is not blamed
 * on the deployment when drift correction is on: peers on the same model show the same drift, which is removed.
 * With drift correction off (per-environment detector override) the same data fails the latency metrics.
 */
let tl: TestTracelane;
const MIN = 60_000;
const SWITCH = Math.floor(Date.now() / MIN) * MIN - 90 * MIN;
const prompt = `writer-${hex(4)}`;
const peer = `summarizer-${hex(4)}`;
const ids: Record<string, string> = {};

async function traffic(
  env: string,
  name: string,
  version: string,
  from: number,
  to: number,
  p: TrafficProfile,
  seed: number,
) {
  const random = seededRandom(seed);
  const rows = [];
  for (let t = from; t < to; t += MIN / 120)
    rows.push(generationSpan({ environment: env, prompt: name, version, time: t, ...drawRequest(random, p) }));
  await tl.store.insert('otel_traces', rows);
}

beforeAll(async () => {
  tl = await startTestTracelane({ ANALYSIS_INTERVAL_MS: '3600000' });
  const registry = new RegistryFixture(tl.apiUrl);
  await registry.prompt(prompt, 2);
  const slow = { ...BASE_PROFILE, latencyMs: BASE_PROFILE.latencyMs * 1.7 };
  for (const [env, driftCorrection] of [
    [`drift-on-${hex(3)}`, true],
    [`drift-off-${hex(3)}`, false],
  ] as const) {
    await registry.environment(env, { detector: { driftCorrection } });
    await registry.external(prompt, env, 1, SWITCH - 120 * MIN);
    ids[String(driftCorrection)] = (await registry.external(prompt, env, 2, SWITCH)).id;
    // The deployed prompt and a peer on the same model both slow down at the switch.
    await traffic(env, prompt, '1', SWITCH - 30 * MIN, SWITCH, BASE_PROFILE, 1);
    await traffic(env, prompt, '2', SWITCH, SWITCH + 30 * MIN, slow, 2);
    await traffic(env, peer, '7', SWITCH - 30 * MIN, SWITCH, BASE_PROFILE, 3);
    await traffic(env, peer, '7', SWITCH, SWITCH + 30 * MIN, slow, 4);
  }
});

afterAll(async () => {
  await tl?.close();
});

const latencyVerdicts = async (id: string) => {
  const { status, body } = await getJson<AnalysisResponse>(tl.apiUrl, `/api/v1/deployments/${id}/analysis`);
  expect(status).toBe(200);
  expect(body.stored).toBe(false); // never evaluated by the loop: computed on request
  const metrics = body.metrics.filter((m) => m.name.startsWith('latency_p'));
  return { body, metrics };
};

describe('drift correction', () => {
  it('removes a slowdown that same-model peers see too', async () => {
    const { body, metrics } = await latencyVerdicts(ids.true!);
    expect(body.driftCorrection).toBe(true);
    expect(metrics.map((m) => [m.name, m.verdict])).toEqual([
      ['latency_p50', 'pass'],
      ['latency_p95', 'pass'],
      ['latency_p99', 'inconclusive'],
    ]);
    const p50 = metrics[0]!;
    expect(p50.drift?.peers).toBe(1);
    expect(p50.drift?.value).toBeGreaterThan(1.55);
    expect(p50.drift?.value).toBeLessThan(1.85);
  });

  it('blames the deployment when drift correction is off', async () => {
    const { body, metrics } = await latencyVerdicts(ids.false!);
    expect(body.driftCorrection).toBe(false);
    expect(body.verdict).toBe('fail');
    expect(metrics.find((m) => m.name === 'latency_p50')?.verdict).toBe('fail');
    expect(metrics.find((m) => m.name === 'latency_p95')?.verdict).not.toBe('pass');
  });
});
