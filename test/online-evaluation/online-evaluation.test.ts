import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../server/log.js';
import type { OnlineState } from '../../server/online-evaluation/online-events.js';
import { startOnlineEvaluation, type OnlineEvaluation } from '../../server/online-evaluation/online-evaluation.js';
import type { Evaluator } from '../../server/analysis/evaluator.js';
import { promptText, startFakeOpenAI, type FakeProvider } from '../fixtures/fake-model-servers.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { client, type Client } from '../registry/registry-client.js';
import { RegistryFixture } from '../analysis/registry-fixture.js';
import { generationSpan } from '../analysis/span-factory.js';
import { testEvaluator } from '../analysis/test-evaluator.js';

/**
 * Online evaluation against a fake OpenAI-compatible judge: sampled production generations of an environment are
 * scored by a judge and a deterministic evaluator, the scores land as named scores on their spans (and decide a
 * canary's verdict), sampling follows the trace id, the per-minute cap and the daily budget hold, and a judge
 * answering 401 (or a missing connection) pauses its evaluator with the reason while the others go on.
 */
let tl: TestTracelane;
let fake: FakeProvider;
let api: Client;
let registry: RegistryFixture;
let clock = 0;
let online: OnlineEvaluation;
let analysis: Evaluator;
const MIN = 60_000;
const JUDGE_PROMPT = 'judges/routing';
const prompt = 'triage-online';
const JUDGE = 'routing_judge';
const JSON_VALID = 'valid_json';

/** Trace ids that do not change from run to run, so the sample is the same every time. */
const traceIdOf = (label: string) => createHash('sha256').update(label).digest('hex').slice(0, 32);

/** A production generation with its captured completion and variables. */
function generation(environment: string, version: number, time: number, traceId: string, team: string) {
  return {
    ...generationSpan({ environment, prompt, version: String(version), time, traceId }),
    SpanAttributes: {
      'gen_ai.completion.0.content': JSON.stringify({ team }),
      'tracelane.prompt.variables': JSON.stringify({ ticket: 'The invoice shows a charge twice' }),
    },
  };
}

const configure = (environment: string, config: Record<string, unknown>) =>
  api.put<OnlineState>(`/api/v1/online-evaluations/${environment}`, config);
const stateOf = async (environment: string) =>
  (await api.get<OnlineState>(`/api/v1/online-evaluations/${environment}`)).body;
const scoresOf = (environment: string, name: string) =>
  tl.store.query<{ traceId: string; version: string; value: number }>(
    `SELECT trace_id AS traceId, version, value FROM scores WHERE environment = {environment:String} AND name = {name:String}`,
    { environment, name },
  );
const judgeCalls = () => fake.received.filter((r) => promptText(r.body).includes('Rate the routing')).length;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  // The judge: 1 when the answer routes the invoice ticket to billing, else 0 — every fourth time it hesitates (0.5).
  let asked = 0;
  fake.answer = (body) => {
    const billing = promptText(body).includes('"team":"billing"');
    return JSON.stringify({ score: asked++ % 4 === 0 ? 0.5 : billing ? 1 : 0, reason: 'r' });
  };
  tl = await startTestTracelane({
    OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1', // the fake provider listens on loopback
    ONLINE_EVAL_INTERVAL_MS: '3600000',
    ANALYSIS_INTERVAL_MS: '3600000',
    MODEL_RETRY_BASE_MS: '10',
    MODEL_RETRY_MAX_MS: '20',
  });
  api = client(tl.apiUrl);
  registry = new RegistryFixture(tl.apiUrl);
  const ok = (r: { status: number; body: unknown }) => expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  await registry.prompt(prompt, 2);
  ok(await api.post('/api/v1/prompts', { name: JUDGE_PROMPT }));
  ok(
    await api.post(`/api/v1/prompts/${encodeURIComponent(JUDGE_PROMPT)}/versions`, {
      provider: 'openai',
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Rate the routing of "{{ticket}}": {{output}}' }],
      variables: ['ticket', 'output'],
    }),
  );
  ok(
    await api.post('/api/v1/connections', {
      name: 'judge-fake',
      kind: 'openai',
      baseUrl: fake.url,
      maxConcurrency: 4,
      requestsPerMinute: 100_000,
      timeoutMs: 5000,
      maxRetries: 1,
    }),
  );
  const judge = { type: 'llm_judge', prompt: JUDGE_PROMPT, version: 1, connection: 'judge-fake' };
  ok(await api.post('/api/v1/evaluators', { name: JUDGE, config: judge }));
  ok(await api.post('/api/v1/evaluators', { name: JSON_VALID, config: { type: 'json_valid' } }));
  // A judge whose connection is deleted after it was set up.
  ok(await api.post('/api/v1/connections', { name: 'nowhere', kind: 'openai', baseUrl: fake.url }));
  ok(await api.post('/api/v1/evaluators', { name: 'broken_judge', config: { ...judge, connection: 'nowhere' } }));
  ok(await api.delete('/api/v1/connections/nowhere'));
  ok(await api.post('/api/v1/evaluators', { name: 'team_field', config: { type: 'json_field', field: 'team' } }));
  online = startOnlineEvaluation({
    config: { ONLINE_EVAL_INTERVAL_MS: 3_600_000, ONLINE_EVAL_SETTLE_MS: 0 },
    store: tl.store,
    models: tl.models,
    log: silentLogger,
    now: () => clock,
  });
  analysis = testEvaluator(tl, () => clock);
});

afterAll(async () => {
  await online?.stop();
  await tl?.close();
  await fake?.close();
});

describe('online evaluators', () => {
  const env = 'online-canary';
  const env2 = 'online-sample';
  let start = 0;
  let canaryId = '';

  beforeAll(async () => {
    await registry.environment(env2, {});
    await configure(env2, { evaluators: [JSON_VALID], sampleRate: 0.25, maxPerMinute: 1000, dailyBudgetUsd: 0 });
    await registry.environment(env, {
      canary: { percent: 50, bakeMinutes: 5 },
      detector: {
        skipMinutesAfterSwitch: 0,
        criticalMetrics: [],
        criticalScores: [JUDGE],
        metrics: { quality: { minSamples: 20 } },
      },
    });
    // Configured before the canary starts, so every minute of it is scored.
    const configured = await configure(env, {
      evaluators: [JUDGE, JSON_VALID],
      sampleRate: 0.5,
      maxPerMinute: 1000,
      dailyBudgetUsd: 100,
    });
    expect(configured.status, JSON.stringify(configured.body)).toBe(200);
    await registry.external(prompt, env, 1, Date.now() - 60 * MIN);
    const canary = await registry.deploy(prompt, env, 2, 50);
    canaryId = canary.id;
    start = Date.parse(canary.time);
    // 200 traces over the canary's first 4 minutes; version 2 routes the invoice ticket to api-platform.
    const spans = Array.from({ length: 200 }, (_, i) => {
      const version = 1 + (i % 2);
      return generation(
        env,
        version,
        start + 1000 + i * 1200,
        traceIdOf(`c${i}`),
        version === 1 ? 'billing' : 'api-platform',
      );
    });
    await tl.store.insert('otel_traces', spans);
    // The same traces in a second environment sampled at a quarter.
    await tl.store.insert(
      'otel_traces',
      Array.from({ length: 200 }, (_, i) =>
        generation(env2, 1, start + 1000 + i * 1200, traceIdOf(`c${i}`), 'billing'),
      ),
    );
  });

  it('write named scores on the sampled spans that decide the canary’s verdict', async () => {
    clock = start + 4 * MIN;
    const before = (await analysis.evaluateNow()).find((o) => o.analysis.deploymentId === canaryId)!.analysis;
    expect(before.verdict).toBe('collecting');
    expect(before.pending).toEqual([`score:${JUDGE}`]);

    clock = start + 6 * MIN;
    await online.runNow();
    const judged = await scoresOf(env, JUDGE);
    const valid = await scoresOf(env, JSON_VALID);
    // About half the traces, each scored once by each evaluator, on its own version; equal sampling across arms.
    expect(judged.length).toBeGreaterThan(70);
    expect(judged.length).toBeLessThan(130);
    expect(valid.map((s) => s.traceId).sort()).toEqual(judged.map((s) => s.traceId).sort());
    const perArm = (v: string) => judged.filter((s) => s.version === v).length;
    expect(Math.abs(perArm('1') - perArm('2'))).toBeLessThan(0.3 * judged.length);
    expect(judged.filter((s) => s.version === '1').every((s) => s.value >= 0.5)).toBe(true);
    expect(judged.filter((s) => s.version === '2').every((s) => s.value <= 0.5)).toBe(true);
    expect(valid.every((s) => s.value === 1)).toBe(true);

    const after = (await analysis.evaluateNow()).find((o) => o.analysis.deploymentId === canaryId)!.analysis;
    expect(after.verdict, after.reason).toBe('fail');
    expect(after.failing).toEqual([`score:${JUDGE}`]);
    expect(after.reason).toContain(`score ${JUDGE} 0.`);

    const state = await stateOf(env);
    expect(state.evaluators.find((e) => e.name === JUDGE)?.today).toMatchObject({ scored: judged.length, errors: 0 });
    expect(state.spentToday).toBeGreaterThan(0);
    expect(state.cursor).toBe(Math.floor((start + 6 * MIN) / MIN) * MIN);
  });

  it('sample by trace id: a lower rate keeps a subset of the same traces, and a restart scores nothing twice', async () => {
    const quarter = new Set((await scoresOf(env2, JSON_VALID)).map((s) => s.traceId));
    const half = new Set((await scoresOf(env, JSON_VALID)).map((s) => s.traceId));
    expect(quarter.size).toBeGreaterThan(25);
    expect(quarter.size).toBeLessThan(half.size);
    expect([...quarter].every((t) => half.has(t))).toBe(true);

    // A new process (the events are the whole state) continues after the cursor: nothing is scored again.
    const restarted = startOnlineEvaluation({
      config: { ONLINE_EVAL_INTERVAL_MS: 3_600_000, ONLINE_EVAL_SETTLE_MS: 0 },
      store: tl.store,
      models: tl.models,
      log: silentLogger,
      now: () => clock,
    });
    const calls = judgeCalls();
    await restarted.runNow();
    await restarted.stop();
    expect((await scoresOf(env2, JSON_VALID)).length).toBe(quarter.size);
    expect((await scoresOf(env, JUDGE)).length).toBe(half.size);
    expect(judgeCalls()).toBe(calls);
  });

  it('keep to the cap per minute and to the daily budget', async () => {
    const env3 = 'online-limits';
    await registry.environment(env3, {});
    const before = await stateOf(env);
    const judgeToday = before.evaluators.find((e) => e.name === JUDGE)!.today;
    const callCost = judgeToday.spentUsd / judgeToday.scored;
    const budget = 2.5 * callCost;
    const configured = await configure(env3, {
      evaluators: [JUDGE, JSON_VALID],
      sampleRate: 1,
      maxPerMinute: 3,
      dailyBudgetUsd: budget,
    });
    // 10 traces in each of 3 minutes from the minute it was configured.
    const base = Math.floor(Date.parse(configured.body.configuredAt) / MIN) * MIN;
    const spans = Array.from({ length: 30 }, (_, i) =>
      generation(env3, 1, base + Math.floor(i / 10) * MIN + (i % 10) * 1000, traceIdOf(`l${i}`), 'billing'),
    );
    await tl.store.insert('otel_traces', spans);
    clock = base + 4 * MIN;
    const calls = judgeCalls();
    await online.runNow();
    const valid = await tl.store.query<{ minute: string; n: number }>(
      `SELECT toStartOfMinute(span_time) AS minute, count() AS n FROM scores
       WHERE environment = {env:String} AND name = {name:String} GROUP BY minute ORDER BY minute`,
      { env: env3, name: JSON_VALID },
    );
    expect(valid.map((r) => r.n)).toEqual([3, 3, 3]);
    const state = await stateOf(env3);
    const judge = state.evaluators.find((e) => e.name === JUDGE)!.today;
    expect(judge.scored).toBe(2);
    expect(judge.overBudget).toBe(7);
    expect(judgeCalls() - calls).toBe(2);
    expect(state.spentToday).toBeLessThanOrEqual(budget);
  });

  it('pause an evaluator whose judge answers 401 or whose connection is gone, with the reason; the others go on', async () => {
    const env4 = 'online-pause';
    await registry.environment(env4, {});
    const refused = await configure(env4, {
      evaluators: ['team_field'],
      sampleRate: 1,
      maxPerMinute: 100,
      dailyBudgetUsd: 1,
    });
    expect(refused.status).toBe(400);
    expect(refused.error?.field).toBe('evaluators.0');
    const configured = await configure(env4, {
      evaluators: [JUDGE, 'broken_judge', JSON_VALID],
      sampleRate: 1,
      maxPerMinute: 100,
      dailyBudgetUsd: 1,
    });
    const base = Math.floor(Date.parse(configured.body.configuredAt) / MIN) * MIN;
    await tl.store.insert(
      'otel_traces',
      Array.from({ length: 5 }, (_, i) => generation(env4, 1, base + i * 1000, traceIdOf(`p${i}`), 'billing')),
    );
    fake.faults = [
      { status: 401, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } } },
    ];
    clock = base + 2 * MIN;
    const calls = judgeCalls();
    await online.runNow();
    expect(judgeCalls() - calls).toBe(1); // no retry for 401, and no second call once paused
    let state = await stateOf(env4);
    const byName = (name: string) => state.evaluators.find((e) => e.name === name)!;
    expect(byName(JUDGE).paused?.reason).toMatch(/auth: provider answered HTTP 401/);
    expect(byName('broken_judge').paused?.reason).toMatch(/judge connection nowhere does not exist/);
    expect(byName(JSON_VALID)).toMatchObject({ paused: null, today: { scored: 5 } });

    // Paused across runs until resumed; resumed, it scores the traffic that arrives next.
    await tl.store.insert('otel_traces', [generation(env4, 1, base + 2 * MIN + 1000, traceIdOf('p-next'), 'billing')]);
    clock = base + 3 * MIN;
    await online.runNow();
    expect(judgeCalls() - calls).toBe(1);
    const resumed = await api.post<OnlineState>(`/api/v1/online-evaluations/${env4}/evaluators/${JUDGE}/resume`);
    expect(resumed.status).toBe(200);
    await tl.store.insert('otel_traces', [generation(env4, 1, base + 3 * MIN + 1000, traceIdOf('p-later'), 'billing')]);
    clock = base + 4 * MIN;
    await online.runNow();
    state = await stateOf(env4);
    expect(byName(JUDGE)).toMatchObject({ paused: null, today: { scored: 1 } });
    expect(byName('broken_judge').paused).not.toBeNull();
  });
});
