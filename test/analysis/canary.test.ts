import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evaluator } from '../../server/analysis/evaluator.js';
import type { LastGoodResponse } from '../../server/analysis/analysis-router.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { getJson, query } from './http.js';
import { RegistryFixture } from './registry-fixture.js';
import { generationSpan, hex } from './span-factory.js';
import { testEvaluator } from './test-evaluator.js';
import { BASE_PROFILE, drawRequest, seededRandom } from './traffic.js';

/**
 * A canary is judged against the stable arm over the same window; unversioned spans during the canary belong to
 * neither arm. When it passes its bake window and the policy says so, it is promoted automatically, and it becomes
 * the lane's last known good version.
 */
let tl: TestTracelane;
let evaluator: Evaluator;
let clock = 0;
let canaryId = '';
let start = 0;
const MIN = 60_000;
const env = `can-${hex(4)}`;
const prompt = `faq-${hex(4)}`;

beforeAll(async () => {
  tl = await startTestTracelane({ ANALYSIS_INTERVAL_MS: '3600000' });
  const registry = new RegistryFixture(tl.apiUrl);
  await registry.prompt(prompt, 2);
  await registry.environment(env, {
    autoPromote: true,
    canary: { percent: 50, bakeMinutes: 5 },
    detector: { skipMinutesAfterSwitch: 0 },
  });
  await registry.external(prompt, env, 1, Date.now() - 60 * MIN);
  const canary = await registry.deploy(prompt, env, 2, 50);
  canaryId = canary.id;
  start = Date.parse(canary.time);
  // Both arms over the 5-minute canary window (the same profile: an A/A comparison), plus unversioned spans.
  const random = seededRandom(5);
  const rows = [];
  for (let i = 0; i < 5000; i++) {
    const time = start + 1 + (i * 5 * MIN) / 5000;
    rows.push(
      generationSpan({
        environment: env,
        prompt,
        version: String(1 + (i % 2)),
        time,
        ...drawRequest(random, BASE_PROFILE),
      }),
    );
  }
  for (let i = 0; i < 50; i++)
    rows.push(generationSpan({ environment: env, prompt, time: start + 1000 + i, latencyMs: 90_000 }));
  await tl.store.insert('otel_traces', rows);
  evaluator = testEvaluator(tl, () => clock);
});

afterAll(async () => {
  await tl?.close();
});

describe('a canary', () => {
  it('is compared with the stable arm over the same window while it bakes', async () => {
    clock = start + 3 * MIN;
    const outcome = (await evaluator.evaluateNow()).find((o) => o.analysis.deploymentId === canaryId);
    expect(outcome?.action).toBeNull();
    expect(outcome?.analysis).toMatchObject({ mode: 'canary', final: false, version: 2, previousVersion: 1 });
    expect(outcome?.analysis.baseline).toMatchObject({
      version: 1,
      from: outcome?.analysis.candidate.from,
      to: outcome?.analysis.candidate.to,
    });
    // 3 of 5 minutes: 1,500 requests per arm; the 50 unversioned (very slow) spans are in neither arm.
    expect(outcome?.analysis.candidate.requests).toBe(1500);
    expect(outcome?.analysis.baseline.requests).toBe(1500);
  });

  it('is promoted automatically after passing its bake window, and becomes the last known good', async () => {
    clock = start + 6 * MIN;
    const outcome = (await evaluator.evaluateNow()).find((o) => o.analysis.deploymentId === canaryId);
    expect(outcome?.analysis).toMatchObject({ verdict: 'pass', final: true, complete: true, bakeEnded: true });
    expect(outcome?.action?.action).toBe('promote');
    expect(outcome?.action?.event).toMatchObject({ kind: 'canary_promote', version: 2, actor: 'auto-promote' });
    const resolved = await getJson<{ version: number }>(
      tl.apiUrl,
      `/api/v1/prompts/${prompt}/resolve?${query({ environment: env })}`,
    );
    expect(resolved.body.version).toBe(2);
    const good = await getJson<LastGoodResponse>(
      tl.apiUrl,
      `/api/v1/prompts/${prompt}/last-good?${query({ environment: env })}`,
    );
    expect(good.body).toMatchObject({
      prompt,
      environment: env,
      lastKnownGood: { deploymentId: canaryId, version: 2 },
    });
    const missing = await getJson<LastGoodResponse>(tl.apiUrl, `/api/v1/prompts/${prompt}/last-good`);
    expect(missing.status).toBe(400);
    expect(missing.body.error?.field).toBe('environment');
  });
});
