import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Score } from '../../server/analysis/scores-router.js';
import type { Timeseries } from '../../server/analysis/timeseries-query.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { getJson, postJson, query } from './http.js';
import { deploymentEvent, generationSpan, hex } from './span-factory.js';

let tl: TestTracelane;
const MIN = 60_000;
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 5 * 3_600_000;
const env = `sc-${hex(4)}`;
const prompt = 'triage';
const traceId = hex(16);
const spanId = hex(8);

const scoreCount = async () =>
  (await tl.store.query<{ n: number }>('SELECT count() AS n FROM scores WHERE environment = {env:String}', { env }))[0]
    ?.n;

beforeAll(async () => {
  tl = await startTestTracelane();
  await tl.store.insert('deployment_events', [deploymentEvent({ time: T0, environment: env, prompt, version: 4 })]);
  // A trace of two spans: an unversioned generation (→ version 4 by inference) under a root without a prompt.
  await tl.store.insert('otel_traces', [
    { ...generationSpan({ environment: '', prompt: '', time: T0 + 5 * MIN, traceId }), IsGeneration: 0 },
    generationSpan({ environment: env, prompt, time: T0 + 5 * MIN + 10, traceId, spanId, quality: 0.8 }),
  ]);
});

afterAll(async () => {
  await tl?.close();
});

describe('POST /api/v1/scores', () => {
  it('attributes a late score to the trace’s generation span, its version and its minute', async () => {
    const { status, body } = await postJson<Score>(tl.apiUrl, '/api/v1/scores', {
      traceId: traceId.toUpperCase(),
      name: 'helpfulness',
      value: 0.4,
      source: 'evaluator',
      comment: 'partly answered',
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      traceId,
      spanId,
      environment: env,
      prompt,
      version: '',
      value: 0.4,
      source: 'evaluator',
    });
    expect(body.id).toMatch(/^score_/);

    const thumbs = await postJson<Score>(tl.apiUrl, '/api/v1/scores', {
      traceId,
      spanId,
      name: 'thumbs',
      value: true,
      source: 'user',
    });
    expect(thumbs.status).toBe(201);
    expect(thumbs.body.value).toBe(1);

    // Quality of minute 5 = span quality 0.8 plus the two scores 0.4 and 1, all counted for the inferred version 4.
    const series = await getJson<Timeseries>(
      tl.apiUrl,
      '/api/v1/metrics/timeseries?' +
        query({ environment: env, prompt, from: T0, to: T0 + 10 * MIN, step: '1m', groupBy: 'version' }),
    );
    expect(series.status).toBe(200);
    expect(series.body.series.map((s) => s.version)).toEqual(['4']);
    const point = series.body.series[0]!.points[5]!;
    expect(point.scoredCount).toBe(3);
    expect(point.quality).toBeCloseTo((0.8 + 0.4 + 1) / 3, 10);
  });

  it('rejects bad scores with a 400 naming the field and stores nothing', async () => {
    const before = await scoreCount();
    const good = { traceId, name: 'q', value: 0.5, source: 'human' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, value: 1.5 }, 'value'],
      [{ ...good, value: -0.1 }, 'value'],
      [{ ...good, value: '0.5' }, 'value'],
      [{ ...good, value: null }, 'value'],
      [{ ...good, source: 'robot' }, 'source'],
      [{ ...good, traceId: 'xyz' }, 'traceId'],
      [{ ...good, spanId: '123' }, 'spanId'],
      [{ ...good, name: '' }, 'name'],
      [{ ...good, comment: 'x'.repeat(2001) }, 'comment'],
      [{ ...good, extra: 1 }, 'extra'],
    ];
    for (const [payload, field] of cases) {
      const { status, body } = await postJson(tl.apiUrl, '/api/v1/scores', payload);
      expect({ status, field: body.error?.field ?? '' }).toEqual({ status: 400, field });
    }
    expect(await scoreCount()).toBe(before);
  });

  it('answers 404 for an unknown trace or span, storing nothing', async () => {
    const before = await scoreCount();
    const unknownTrace = await postJson(tl.apiUrl, '/api/v1/scores', {
      traceId: hex(16),
      name: 'q',
      value: 1,
      source: 'user',
    });
    expect(unknownTrace.status).toBe(404);
    expect(unknownTrace.body.error?.field).toBe('traceId');
    const unknownSpan = await postJson(tl.apiUrl, '/api/v1/scores', {
      traceId,
      spanId: hex(8),
      name: 'q',
      value: 1,
      source: 'user',
    });
    expect(unknownSpan.status).toBe(404);
    expect(unknownSpan.body.error?.field).toBe('spanId');
    expect(await scoreCount()).toBe(before);
  });
});
