import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evaluator } from '../../server/analysis/evaluator.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { getJson, query } from './http.js';
import { RegistryFixture } from './registry-fixture.js';
import { generationSpan, hex } from './span-factory.js';
import { testEvaluator } from './test-evaluator.js';
import { BASE_PROFILE, drawRequest, seededRandom, type TrafficProfile } from './traffic.js';

/**
 * Time to detect and undo a large regression at 5 requests/s, on a compressed clock: the loop's clock advances 10 s
 * (the default interval) per run while each run's 10 seconds of spans are placed in the store just before it. Version
 * 2 drops quality from 0.80 to 0.60; the environment rolls back automatically. Targets: `fail` within 90 s of the
 * deployment, the automatic rollback within 150 s (the early stop makes the fixed skip, minimum sample and
 * five-minute wait before rollback irrelevant for effects this large).
 */
let tl: TestTracelane;
let evaluator: Evaluator;
let clock = 0;
const SEC = 1000;
const RATE = 5;
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000; // the deployment, an hour ago on the real clock
const env = `ttf-${hex(4)}`;
const prompt = `triage-${hex(4)}`;
const V1: TrafficProfile = { ...BASE_PROFILE, quality: 0.8 };
const V2: TrafficProfile = { ...BASE_PROFILE, quality: 0.6 };
const random = seededRandom(5);

async function traffic(version: string, profile: TrafficProfile, from: number, to: number) {
  const rows = [];
  for (let t = from; t < to; t += SEC / RATE) {
    rows.push(generationSpan({ environment: env, prompt, version, time: t, ...drawRequest(random, profile) }));
  }
  await tl.store.insert('otel_traces', rows);
}

beforeAll(async () => {
  tl = await startTestTracelane({ ANALYSIS_INTERVAL_MS: '3600000' });
  const registry = new RegistryFixture(tl.apiUrl);
  await registry.prompt(prompt, 2);
  await registry.environment(env, { autoRollback: true });
  await registry.external(prompt, env, 1, T0 - 120 * 60 * SEC);
  await traffic('1', V1, T0 - 30 * 60 * SEC, T0);
  await registry.external(prompt, env, 2, T0);
  evaluator = testEvaluator(tl, () => clock, 10 * SEC);
});

afterAll(async () => {
  await tl?.close();
});

describe('time to detect and roll back quality 0.80 → 0.60 at 5 requests/s', () => {
  it('fails within 90 s and rolls back within 150 s of the deployment', async () => {
    let failedAfter: number | null = null;
    let rolledBackAfter: number | null = null;
    for (let t = T0 + 10 * SEC; t <= T0 + 300 * SEC && rolledBackAfter === null; t += 10 * SEC) {
      await traffic('2', V2, t - 10 * SEC, t);
      clock = t;
      const outcome = (await evaluator.evaluateNow()).find((o) => o.analysis.version === 2);
      if (outcome?.analysis.verdict === 'fail' && failedAfter === null) failedAfter = (t - T0) / SEC;
      if (outcome?.action?.action === 'rollback') rolledBackAfter = (t - T0) / SEC;
    }
    console.log(`time to fail ${failedAfter} s, to automatic rollback ${rolledBackAfter} s (compressed clock)`);
    expect(failedAfter).not.toBeNull();
    expect(failedAfter!).toBeLessThanOrEqual(90);
    expect(rolledBackAfter).not.toBeNull();
    expect(rolledBackAfter!).toBeLessThanOrEqual(150);
    const resolved = await getJson<{ version: number }>(
      tl.apiUrl,
      `/api/v1/prompts/${prompt}/resolve?${query({ environment: env })}`,
    );
    expect(resolved.body.version).toBe(1);
    const deployments = await getJson<{ deployments: { kind: string; actor: string; reason: string }[] }>(
      tl.apiUrl,
      `/api/v1/deployments?${query({ prompt, environment: env, kind: 'rollback' })}`,
    );
    expect(deployments.body.deployments[0]).toMatchObject({ actor: 'auto-rollback' });
    expect(deployments.body.deployments[0]?.reason).toMatch(/early stop/);
  }, 180_000); // a generous limit for a busy machine: the clock it measures is the compressed one
});
