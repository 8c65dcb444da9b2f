import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../server/experiments/run-summary.js';
import type { PairedRow } from '../../server/stats/paired-comparison.js';
import { SseClient } from '../events/sse-client.js';
import { startFakeOpenAI, type FakeProvider } from '../fixtures/fake-model-servers.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { enc } from '../registry/registry-client.js';
import { plantedDataset, setUpScenario, triageModel, type Scenario } from './triage-scenario.js';

/** Experiments end to end: the real server, chDB, the collector, and a fake OpenAI-compatible provider. */
let t: TestTracelane;
let fake: FakeProvider;
let s: Scenario & { connection: string };

beforeAll(async () => {
  fake = await startFakeOpenAI();
  fake.answer = triageModel;
  t = await startTestTracelane({
    MODEL_RETRY_BASE_MS: '10',
    MODEL_RETRY_MAX_MS: '20',
    OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1', // the fake provider listens on loopback
  });
  s = await setUpScenario(t.apiUrl, fake);
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

interface Comparison {
  complete: boolean;
  comparison: {
    scores: { name: string; overall: PairedRow; categories: PairedRow[] }[];
    regressions: { category: string }[];
  };
}

async function runToEnd(
  body: Record<string, unknown>,
  scenario = s,
): Promise<RunSummary & { baseline: RunSummary | null }> {
  const started = await scenario.api.post<RunSummary & { baseline: RunSummary | null }>('/api/v1/experiments', {
    prompt: scenario.prompt,
    dataset: scenario.dataset,
    evaluators: [scenario.evaluator],
    ...body,
  });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  for (const id of [started.body.id, started.body.baseline?.id].filter((x): x is string => !!x)) {
    await waitFor(`run ${id} to finish`, async () => {
      const run = (await scenario.api.get<RunSummary>(`/api/v1/experiments/${id}`)).body;
      return ['completed', 'failed', 'cancelled', 'interrupted'].includes(run.state) ? run : undefined;
    });
  }
  return started.body;
}

const categoryRow = (c: Comparison, name: string) =>
  c.comparison.scores[0]!.categories.find((r) => r.category === name)!;

describe('an experiment with a baseline', () => {
  let comparison: Comparison;
  let runId = '';

  beforeAll(async () => {
    const run = await runToEnd({ version: 2, baselineVersion: 1, connection: s.connection });
    runId = run.id;
    comparison = (await s.api.get<Comparison>(`/api/v1/experiments/${run.id}/comparison`)).body;
  });

  it('scores every item and reports billing 4/5 → 2/5 with exact counts, other teams unchanged', () => {
    expect(comparison.complete).toBe(true);
    const billing = categoryRow(comparison, 'billing');
    expect(billing).toMatchObject({
      n: 5,
      baselinePassed: 4,
      candidatePassed: 2,
      worse: 2,
      better: 0,
      status: 'not_enough_items',
    });
    expect(billing.pValue).toBeCloseTo(0.5, 10);
    expect(billing.summary).toContain('billing 4/5 → 2/5: not enough items');
    for (const team of ['auth', 'api-platform', 'dashboard']) {
      expect(categoryRow(comparison, team)).toMatchObject({
        n: 5,
        baselinePassed: 5,
        candidatePassed: 5,
        status: 'unchanged',
      });
    }
    expect(comparison.comparison.scores[0]!.overall).toMatchObject({ n: 20, baselinePassed: 19, candidatePassed: 17 });
    expect(comparison.comparison.regressions).toEqual([]);
  });

  it('keeps per-item results with input, output, scores, tokens, cost and a trace in the evaluation environment', async () => {
    const { results } = (
      await s.api.get<{ results: Record<string, unknown>[] }>(`/api/v1/experiments/${runId}/results`)
    ).body;
    expect(results).toHaveLength(20);
    const usage = results.find((r) => String(r.input).includes('charge for API usage'))!;
    expect(usage).toMatchObject({ category: 'billing', output: '{"team":"api-platform"}', error: '' });
    expect(usage.scores).toEqual([{ name: s.evaluator, score: 0, reason: 'team: "api-platform", expected "billing"' }]);
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.costUsd).toBeGreaterThan(0);
    const trace = await waitFor('the item trace', async () => {
      const r = await s.api.get<{
        spans: { name: string; llm: Record<string, unknown>; events: { name: string }[] }[];
      }>(`/api/v1/traces/${String(usage.traceId)}`);
      return r.status === 200 && r.body.spans.length >= 2 ? r.body : undefined;
    });
    const chat = trace.spans.find((sp) => sp.name === 'chat gpt-4o-mini')!;
    expect(chat.llm).toMatchObject({
      environment: 'evaluation',
      promptName: s.prompt,
      promptVersion: '2',
      isGeneration: true,
      model: 'gpt-4o-mini',
    });
    expect(chat.llm.costUsd).toBeCloseTo(usage.costUsd as number, 12);
    const root = trace.spans.find((sp) => sp.name === 'experiment item')!;
    expect(root.events.map((e) => e.name)).toEqual(['gen_ai.evaluation.result']);
  });

  it('reuses a completed baseline run with the same settings instead of paying for it again', async () => {
    const before = fake.received.length;
    const again = await runToEnd({ version: 3, baselineVersion: 1, connection: s.connection });
    expect(again.baseline?.id).toBe((await s.api.get<RunSummary>(`/api/v1/experiments/${runId}`)).body.baselineRunId);
    expect(fake.received.length - before).toBe(20);
    const identical = (await s.api.get<Comparison>(`/api/v1/experiments/${again.id}/comparison`)).body;
    expect(identical.comparison.scores[0]!.categories.map((c) => c.status)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    expect(identical.comparison.scores[0]!.overall.pValue).toBe(1);
  });
});

describe('LLM-as-judge', () => {
  it('asks the judge prompt from the registry through its connection, in the item trace, and stores its score and reason', async () => {
    const judge = `judges/${s.prompt.split('/')[1]}`;
    await s.api.post('/api/v1/prompts', { name: judge });
    await s.api.post(`/api/v1/prompts/${enc(judge)}/versions`, {
      provider: 'openai',
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You grade ticket routing. Answer JSON {"score": 0..1, "reason": "..."}.' },
        { role: 'user', content: 'Ticket variables: {{input}}\nAnswer: {{output}}\nExpected: {{expected}}' },
      ],
      variables: ['input', 'output', 'expected'],
    });
    const name = `helpfulness_${s.prompt.split('/')[1]}`;
    expect(
      (
        await s.api.post('/api/v1/evaluators', {
          name,
          config: { type: 'llm_judge', prompt: judge, version: 1, connection: s.connection },
        })
      ).status,
    ).toBe(201);
    fake.answer = (body) =>
      JSON.stringify(body).includes('You grade ticket routing')
        ? '{"score": 0.75, "reason": "routed, but terse"}'
        : triageModel(body);
    try {
      const run = await runToEnd({ version: 1, connection: s.connection, evaluators: [s.evaluator, name] });
      const { results } = (
        await s.api.get<{ results: { scores: unknown[]; traceId: string }[] }>(`/api/v1/experiments/${run.id}/results`)
      ).body;
      expect(results).toHaveLength(20);
      expect(results[0]!.scores[1]).toEqual({ name, score: 0.75, reason: 'routed, but terse' });
      const trace = await waitFor('the judge span', async () => {
        const r = await s.api.get<{ spans: { llm: { promptName: string; promptVersion: string } }[] }>(
          `/api/v1/traces/${results[0]!.traceId}`,
        );
        return r.status === 200 && r.body.spans.length === 3 ? r.body : undefined;
      });
      expect(trace.spans.map((sp) => sp.llm.promptName).sort()).toEqual(['', judge, s.prompt].sort());
    } finally {
      fake.answer = triageModel;
    }
  });
});

describe('the paired test on a planted regression', () => {
  it('calls billing regressed when 8 of 12 tickets flip, and the check API says the version did not pass', async () => {
    const planted = await setUpScenario(t.apiUrl, fake, plantedDataset());
    const run = await runToEnd({ version: 2, baselineVersion: 1, connection: planted.connection }, planted);
    const comparison = (await planted.api.get<Comparison>(`/api/v1/experiments/${run.id}/comparison`)).body;
    const billing = categoryRow(comparison, 'billing');
    expect(billing).toMatchObject({
      n: 12,
      baselinePassed: 12,
      candidatePassed: 4,
      worse: 8,
      better: 0,
      status: 'regressed',
    });
    expect(billing.adjustedP).toBeCloseTo(2 * (2 / 256), 10);
    expect(categoryRow(comparison, 'auth').status).toBe('unchanged');
    expect(comparison.comparison.regressions.map((r) => r.category)).toEqual(['all', 'billing']);
    const check = await planted.api.get<{ passed: boolean; regressions: { category: string }[] }>(
      `/api/v1/experiments/check?prompt=${enc(planted.prompt)}&version=2&dataset=${planted.dataset}&baselineVersion=1`,
    );
    expect(check.body.passed).toBe(false);
    const none = await planted.api.get<{ passed: null }>(
      `/api/v1/experiments/check?prompt=${enc(planted.prompt)}&version=3&dataset=${planted.dataset}&baselineVersion=1`,
    );
    expect(none.body.passed).toBeNull();
  });
});

describe('running, failing and cancelling', () => {
  it('publishes started, progress and finished over SSE, with spend and an ETA', async () => {
    const stream = await SseClient.open(
      `${t.apiUrl}/api/v1/events?types=experiment.started,experiment.progress,experiment.finished`,
    );
    try {
      fake.delayMs = 60;
      const run = await runToEnd({ version: 1, connection: s.connection });
      const events: { type: string; data: Record<string, unknown> }[] = [];
      for (;;) {
        const message = await stream.next((m) => m.data !== undefined, 20_000);
        const event = {
          type: message.event ?? '',
          data: (JSON.parse(message.data!) as { data: Record<string, unknown> }).data,
        };
        if (event.data.id === run.id) events.push(event);
        if (event.type === 'experiment.finished' && event.data.id === run.id) break;
      }
      expect(events[0]!.type).toBe('experiment.started');
      expect(events.at(-1)!.data).toMatchObject({ state: 'completed', progress: { total: 20, done: 20, errors: 0 } });
      expect((events.at(-1)!.data.progress as { costUsd: number }).costUsd).toBeGreaterThan(0);
      const progress = events.filter((e) => e.type === 'experiment.progress');
      expect(progress.length).toBeGreaterThan(0);
      expect((progress[0]!.data.progress as { etaMs: number | null }).etaMs).not.toBeNull();
    } finally {
      fake.delayMs = 0;
      stream.close();
    }
  });

  it('records a failed model call as an item error and still completes the run', async () => {
    // one call at a time, so both faults meet the same item: its retry fails too
    await s.api.post('/api/v1/connections', {
      name: 'serial',
      kind: 'openai',
      baseUrl: fake.url,
      maxConcurrency: 1,
      maxRetries: 1,
    });
    fake.faults.push({ status: 500 }, { status: 500 });
    const run = await runToEnd({ version: 1, connection: 'serial' });
    const summary = (await s.api.get<RunSummary>(`/api/v1/experiments/${run.id}`)).body;
    expect(summary).toMatchObject({
      state: 'completed',
      message: '1 of 20 items failed',
      progress: { done: 20, errors: 1 },
    });
    const { results } = (
      await s.api.get<{ results: { error: string; scores: unknown[] }[] }>(`/api/v1/experiments/${run.id}/results`)
    ).body;
    expect(results.filter((r) => r.error !== '').map((r) => r.error)).toEqual([
      'server: provider answered HTTP 500: fake 500',
    ]);
  });

  it('stops a run at once when its connection cannot authenticate, saying why', async () => {
    await s.api.post('/api/v1/connections', {
      name: 'no-key',
      kind: 'openai',
      baseUrl: fake.url,
      secretEnv: 'TRACELANE_TEST_UNSET_KEY',
    });
    const run = await runToEnd({ version: 1, connection: 'no-key' });
    const summary = (await s.api.get<RunSummary>(`/api/v1/experiments/${run.id}`)).body;
    expect(summary.state).toBe('failed');
    expect(summary.message).toContain('TRACELANE_TEST_UNSET_KEY');
    expect(summary.progress.done).toBe(0);
  });

  it('cancels a running experiment: no item is recorded after the cancellation', async () => {
    fake.delayMs = 200;
    try {
      const started = await s.api.post<RunSummary>('/api/v1/experiments', {
        prompt: s.prompt,
        version: 1,
        dataset: s.dataset,
        evaluators: [s.evaluator],
        connection: s.connection,
      });
      await waitFor('a first item', async () =>
        (await s.api.get<RunSummary>(`/api/v1/experiments/${started.body.id}`)).body.progress.done > 0
          ? true
          : undefined,
      );
      const cancelled = await s.api.post<RunSummary>(`/api/v1/experiments/${started.body.id}/cancel`);
      expect(cancelled.body.state).toBe('cancelled');
      expect(cancelled.body.message).toBe('cancelled by local');
      const done = cancelled.body.progress.done;
      expect(done).toBeLessThan(20);
      const { results } = (await s.api.get<{ results: unknown[] }>(`/api/v1/experiments/${started.body.id}/results`))
        .body;
      expect(results).toHaveLength(done);
    } finally {
      fake.delayMs = 0;
    }
  });

  it('refuses a run naming what is wrong', async () => {
    const start = (body: Record<string, unknown>) =>
      s.api.post('/api/v1/experiments', {
        prompt: s.prompt,
        version: 1,
        dataset: s.dataset,
        evaluators: [s.evaluator],
        connection: s.connection,
        ...body,
      });
    expect((await start({ version: 9 })).error).toMatchObject({ field: 'version' });
    expect((await start({ baselineVersion: 1 })).error).toMatchObject({ field: 'baselineVersion' });
    expect((await start({ dataset: 'nope' })).error).toMatchObject({ field: 'dataset' });
    expect((await start({ evaluators: ['nope'] })).error).toMatchObject({ field: 'evaluators.0' });
    expect((await start({ connection: 'nope' })).error).toMatchObject({ field: 'connection' });
    expect((await start({ connection: undefined })).error).toMatchObject({
      field: 'connection',
      message: expect.stringContaining('name one of') as string,
    });
  });
});
