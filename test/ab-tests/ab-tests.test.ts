import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAbTests } from '../../server/ab-tests/ab-test-controller.js';
import type { AbTestView } from '../../server/ab-tests/ab-tests-router.js';
import { silentLogger } from '../../server/log.js';
import type { Resolution } from '../../server/registry/resolve.js';
import { generationSpan } from '../analysis/span-factory.js';
import { BASE_PROFILE, drawRequest, seededRandom, type TrafficProfile } from '../analysis/traffic.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { client, enc, promptWithVersions, type Client } from '../registry/registry-client.js';

/**
 * A/B tests through the API: versions served side by side (sticky per key, `test:<name>` arm), a real difference
 * picking the right winner with its interval and shipped in one call, an A/A test declaring no detectable
 * difference, a guardrail stopping a winner, and the declared end reached by the analysis loop.
 */
let tl: TestTracelane;
let alice: Client;
let viewer: Client;
let prompt = '';
const ENV = 'staging';

beforeAll(async () => {
  tl = await startTestTracelane({ API_KEYS: 'alice:deployer:a-secret,viewer:viewer:v-secret' });
  [alice, viewer] = ['a-secret', 'v-secret'].map((k) => client(tl.apiUrl, k)) as [Client, Client];
  prompt = await promptWithVersions(alice, 3, 'abtest');
  await alice.post('/api/v1/deployments', { prompt, environment: ENV, version: 1 });
});

afterAll(async () => {
  await tl?.close();
});

/** Requests served from the test: `perVersion` of each version, with the test's arm, just after it started. */
async function serve(test: AbTestView, profiles: Record<number, TrafficProfile>, perVersion: number, seed: number) {
  const random = seededRandom(seed);
  const start = Date.parse(test.startedAt);
  const rows = Object.entries(profiles).flatMap(([version, profile]) =>
    Array.from({ length: perVersion }, (_, i) => ({
      ...generationSpan({
        environment: ENV,
        prompt,
        version,
        time: start + 1 + (i % 900),
        ...drawRequest(random, profile),
      }),
      SpanAttributes: { 'tracelane.prompt.arm': `test:${test.name}` },
    })),
  );
  await tl.store.insert('otel_traces', rows);
}

async function start(body: Record<string, unknown>): Promise<AbTestView> {
  const res = await alice.post<AbTestView>('/api/v1/ab-tests', {
    prompt,
    environment: ENV,
    primaryMetric: 'quality',
    samplesPerVariant: 800,
    maxMinutes: 60,
    ...body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const endNow = () => runAbTests({ store: tl.store, bus: tl.bus, log: silentLogger }, Date.now() + 2000);

describe('an A/B test', () => {
  it('serves its versions side by side, sticky per key, and explains the arm', async () => {
    const test = await start({ name: 'split', versions: [1, 2], reason: 'which copy is better' });
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        viewer.get<Resolution>(`/api/v1/prompts/${enc(prompt)}/resolve?environment=${ENV}&key=user-${i}`),
      ),
    );
    const v2 = answers.filter((a) => a.body.version === 2).length;
    expect(v2).toBeGreaterThan(60);
    expect(v2).toBeLessThan(140);
    expect(new Set(answers.map((a) => a.body.arm))).toEqual(new Set(['test:split']));
    expect(answers[0]?.body.why).toMatch(/^A\/B test "split": v[12] of v1, v2 \(by key\)$/);
    const again = await viewer.get<Resolution>(`/api/v1/prompts/${enc(prompt)}/resolve?environment=${ENV}&key=user-0`);
    expect(again.body.version).toBe(answers[0]?.body.version);
    const second = await alice.post('/api/v1/ab-tests', {
      prompt,
      environment: ENV,
      name: 'other',
      versions: [1, 3],
      primaryMetric: 'quality',
      maxMinutes: 5,
    });
    expect([second.status, second.error?.message]).toEqual([
      409,
      'A/B test "split" is running in this lane: stop it first',
    ]);
    const stopped = await alice.post<AbTestView>(`/api/v1/ab-tests/${test.id}/stop`, { reason: 'setup only' });
    expect(stopped.body).toMatchObject({
      status: 'ended',
      endedBy: 'alice',
      endReason: 'setup only',
      result: { decision: 'insufficient' },
    });
    const after = await viewer.get<Resolution>(`/api/v1/prompts/${enc(prompt)}/resolve?environment=${ENV}&key=user-0`);
    expect(after.body).toMatchObject({ arm: 'stable', version: 1, test: null });
  });

  it('picks the version that is really better once its samples are in, and ships it in one call', async () => {
    const test = await start({ name: 'better-copy', versions: [1, 2], guardrails: ['error_rate', 'cost_per_request'] });
    await serve(test, { 1: { ...BASE_PROFILE, quality: 0.8 }, 2: { ...BASE_PROFILE, quality: 0.85 } }, 900, 1);
    const interim = await waitFor('interim figures', async () => {
      const res = await viewer.get<AbTestView>(`/api/v1/ab-tests/${test.id}`);
      return res.body.live.requests.every((r) => r.n === 900) ? res.body.live : undefined;
    });
    expect(interim).toMatchObject({ final: false, decision: 'running', winner: null });
    expect(interim.summary).toContain('a winner is declared only when the test ends');

    const [ended] = await endNow();
    expect(ended).toMatchObject({
      status: 'ended',
      endedBy: 'ab-test',
      endReason: 'every version has 800 samples of quality',
    });
    const result = ended?.result;
    expect(result).toMatchObject({ final: true, decision: 'ship', winner: 2 });
    const effect = result?.primary.verdict.effect;
    expect(effect?.ci[0]).toBeGreaterThan(0);
    expect(effect?.ci[0]).toBeLessThan(0.05);
    expect(effect?.ci[1]).toBeGreaterThan(0.05);
    expect(result?.guardrails.map((g) => [g.metric, g.verdict])).toEqual([
      ['error_rate', 'inconclusive'],
      ['cost_per_request', 'pass'],
    ]);
    expect(result?.summary).toMatch(
      /^v2 wins: quality \+0\.0\d+ \(95% CI \+0\.0\d+ to \+0\.0\d+\) over v1; guardrails hold$/,
    );

    const shipped = await alice.post<AbTestView>(`/api/v1/ab-tests/${test.id}/ship`, { reason: 'as measured' });
    expect(shipped.body).toMatchObject({ status: 'shipped', shipped: { actor: 'alice' } });
    const deployment = await viewer.get<{ kind: string; version: number; reason: string }>(
      `/api/v1/deployments/${shipped.body.shipped?.deploymentId}`,
    );
    expect(deployment.body).toMatchObject({ kind: 'deploy', version: 2 });
    expect(deployment.body.reason).toContain('A/B test "better-copy": v2 wins');
    expect((await alice.post(`/api/v1/ab-tests/${test.id}/ship`, {})).status).toBe(409);
  });

  it('declares no detectable difference in an A/A test, and never ships it', async () => {
    const test = await start({ name: 'same', versions: [2, 3], autoShip: true });
    await serve(test, { 2: BASE_PROFILE, 3: BASE_PROFILE }, 900, 2);
    const [ended] = await endNow();
    expect(ended?.result).toMatchObject({ decision: 'no_difference', winner: null });
    expect(ended?.result?.summary).toMatch(
      /^no detectable difference at the traffic seen: differences in quality smaller than ±0\.0\d+ could not be detected/,
    );
    expect(ended?.status).toBe('ended');
    const ship = await alice.post(`/api/v1/ab-tests/${test.id}/ship`, {});
    expect([ship.status, ship.error?.message]).toEqual([409, expect.stringContaining('has no version to ship')]);
  });

  it('holds a winner back when a guardrail regresses, and ships automatically when asked', async () => {
    const pricey = await start({ name: 'pricey', versions: [2, 3], guardrails: ['cost_per_request'], autoShip: true });
    await serve(pricey, { 2: BASE_PROFILE, 3: { ...BASE_PROFILE, quality: 0.9, costUsd: 0.004 } }, 900, 3);
    const [held] = await endNow();
    expect(held?.result).toMatchObject({
      decision: 'guardrail_failed',
      winner: null,
      guardrails: [{ metric: 'cost_per_request', verdict: 'fail' }],
    });
    expect(held?.status).toBe('ended');

    const auto = await start({ name: 'auto', versions: [2, 3], autoShip: true });
    await serve(auto, { 2: BASE_PROFILE, 3: { ...BASE_PROFILE, quality: 0.9 } }, 900, 4);
    const [shipped] = await endNow();
    expect(shipped).toMatchObject({ status: 'shipped', shipped: { actor: 'ab-test' }, result: { winner: 3 } });
    const live = await viewer.get<Resolution>(`/api/v1/prompts/${enc(prompt)}/resolve?environment=${ENV}`);
    expect(live.body).toMatchObject({ version: 3, arm: 'stable' });
  });

  it('refuses bad definitions naming the field', async () => {
    const bad = async (body: Record<string, unknown>) => {
      const res = await alice.post('/api/v1/ab-tests', {
        prompt,
        environment: ENV,
        name: 'x',
        versions: [1, 2],
        primaryMetric: 'quality',
        maxMinutes: 5,
        ...body,
      });
      return [res.status, res.error?.field];
    };
    expect(await bad({ versions: [1, 1] })).toEqual([400, 'versions']);
    expect(await bad({ maxMinutes: undefined })).toEqual([400, 'maxMinutes']);
    expect(await bad({ primaryMetric: 'vibes' })).toEqual([400, 'primaryMetric']);
    expect(await bad({ versions: [1, 9] })).toEqual([404, 'versions.1']);
    expect(await bad({ name: 'better-copy' })).toEqual([409, 'name']);
    expect((await viewer.post('/api/v1/ab-tests', {})).status).toBe(403);
  });
});
