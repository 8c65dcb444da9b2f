import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Comparison, CompareRow } from '../../server/analysis/compare-query.js';
import type { EvaluationRunResponse } from '../../server/analysis/evaluations-router.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { getJson, postJson, query } from './http.js';
import { deploymentEvent, generationSpan, hex } from './span-factory.js';

let tl: TestTracelane;
const MIN = 60_000;
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 4 * 3_600_000;
const env = `cmp-${hex(4)}`;
const prompt = `billing-${hex(3)}`;
const window = { environment: env, prompt, from: T0, to: T0 + 60 * MIN };

const items = (category: string, passed: number, total: number) =>
  Array.from({ length: total }, (_, i) => ({
    id: `${category}-${i}`,
    category,
    expected: 'a',
    actual: 'b',
    score: i < passed,
  }));

beforeAll(async () => {
  tl = await startTestTracelane();
  const version = (v: number) => ({
    prompt,
    version: v,
    id: `pv_${hex(4)}`,
    snapshot: '{}',
    content_hash: hex(8),
    commit_message: '',
    author: 't',
    created_at: '2026-01-01 00:00:00',
  });
  await tl.store.insert('prompt_versions', [version(1), version(2)]);
  await tl.store.insert('deployment_events', [
    deploymentEvent({ time: T0, environment: env, prompt, version: 1 }),
    deploymentEvent({ time: T0 + 30 * MIN, environment: env, prompt, version: 2, previousVersion: 1 }),
  ]);
  const base = { environment: env, prompt };
  await tl.store.insert('otel_traces', [
    generationSpan({
      ...base,
      time: T0 + 1 * MIN,
      version: '1',
      costUsd: 0.01,
      inputTokens: 100,
      outputTokens: 20,
      quality: 0.9,
    }),
    generationSpan({
      ...base,
      time: T0 + 2 * MIN,
      version: '1',
      costUsd: 0.03,
      inputTokens: 300,
      outputTokens: 40,
      quality: 0.7,
      error: true,
    }),
    generationSpan({ ...base, time: T0 + 31 * MIN, costUsd: 0.05, model: 'gpt-4o' }),
    generationSpan({ ...base, time: T0 + 32 * MIN, version: '2', costUsd: 0.07, model: 'gpt-4o-mini' }),
  ]);
});

afterAll(async () => {
  await tl?.close();
});

describe('offline evaluations and GET /api/v1/compare', () => {
  it('stores an offline run and summarises it per category', async () => {
    const v1 = await postJson<EvaluationRunResponse>(tl.apiUrl, '/api/v1/evaluations', {
      prompt,
      version: 1,
      dataset: 'golden',
      items: [...items('billing', 4, 5), ...items('refunds', 3, 3)],
    });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ prompt, version: 1, dataset: 'golden', items: 8, passed: 7 });
    expect(v1.body.id).toMatch(/^eval_/);
    expect(v1.body.categories).toEqual([
      { category: 'billing', items: 5, passed: 4, meanScore: 0.8 },
      { category: 'refunds', items: 3, passed: 3, meanScore: 1 },
    ]);
    const v2 = await postJson(tl.apiUrl, '/api/v1/evaluations', {
      prompt,
      version: 2,
      dataset: 'golden',
      items: [...items('billing', 2, 5), ...items('refunds', 3, 3)],
    });
    expect(v2.status).toBe(201);
  });

  it('rejects bad evaluations naming the field', async () => {
    const good = { prompt, version: 1, items: items('x', 1, 1) };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...good, version: 9 }, 404, 'version'],
      [{ ...good, version: 1.5 }, 400, 'version'],
      [{ ...good, items: [] }, 400, 'items'],
      [{ ...good, items: [{ id: 'a', score: 2 }] }, 400, 'items.0.score'],
      [{ ...good, items: [{ score: 1 }] }, 400, 'items.0.id'],
      [{ version: 1, items: good.items }, 400, 'prompt'],
    ];
    for (const [payload, status, field] of cases) {
      const res = await postJson(tl.apiUrl, '/api/v1/evaluations', payload);
      expect({ status: res.status, field: res.body.error?.field }).toEqual({ status, field });
    }
  });

  it('lines versions up with their live metrics and offline results', async () => {
    const { status, body } = await getJson<Comparison>(tl.apiUrl, '/api/v1/compare?' + query(window));
    expect(status).toBe(200);
    expect(body.rows.map((r) => r.version)).toEqual(['1', '2']);
    const [v1, v2] = body.rows as [CompareRow, CompareRow];
    expect(v1).toMatchObject({ requests: 2, errors: 1, errorRate: 0.5, scoredCount: 2, totalCost: 0.04 });
    expect(v1.costPerRequest).toBeCloseTo(0.02, 10);
    expect(v1.inputTokensPerRequest).toBeCloseTo(200, 10);
    expect(v1.quality).toBeCloseTo(0.8, 10);
    expect(v1.offline?.categories.map((c) => `${c.category} ${c.passed}/${c.items}`)).toEqual([
      'billing 4/5',
      'refunds 3/3',
    ]);
    // Version 2: one explicit span plus one whose version is inferred from the deployment at minute 30.
    expect(v2).toMatchObject({ requests: 2, inferredRequests: 1, errorRate: 0, quality: null, scoredCount: 0 });
    expect(v2.costPerRequest).toBeCloseTo(0.06, 10);
    expect(v2.offline?.categories[0]).toMatchObject({ category: 'billing', passed: 2, items: 5 });
  });

  it('splits rows per model on request', async () => {
    const { body } = await getJson<Comparison>(tl.apiUrl, '/api/v1/compare?' + query({ ...window, groupBy: 'model' }));
    expect(body.rows.map((r) => [r.version, r.model, r.requests])).toEqual([
      ['1', 'gpt-4o-mini', 2],
      ['2', 'gpt-4o', 1],
      ['2', 'gpt-4o-mini', 1],
    ]);
  });

  it('serves CSV on Accept: text/csv', async () => {
    const res = await fetch(`${tl.apiUrl}/api/v1/compare?${query(window)}`, { headers: { accept: 'text/csv' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]?.split(',').slice(0, 5)).toEqual(['version', 'model', 'requests', 'errors', 'error_rate']);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^1,,2,1,0\.5,/);
    expect(lines[1]).toContain('billing 4/5; refunds 3/3');
  });

  it('requires the environment and prompt', async () => {
    const res = await getJson(tl.apiUrl, '/api/v1/compare?' + query({ prompt }));
    expect(res.status).toBe(400);
    expect(res.body.error?.field).toBe('environment');
  });
});
