import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TracePage, TraceSummary } from '../../server/traces/list-traces.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { jsonRequest, jsonSpan, newSpanId, newTraceId, nowNs, postTraces } from '../collector/otlp-request.js';

/** `GET /api/v1/traces` (window, filters, keyset pages, validation) and `GET /api/v1/traces/{traceId}`. */

let tl: TestTracelane;
const traces: Record<string, { traceId: string; startNs: string }> = {};

/** A trace: a root span and one generation span of the given prompt, model and environment. */
async function seed(
  key: string,
  o: {
    env: string;
    prompt: string;
    version: string;
    model: string;
    error?: boolean;
    agoMs: number;
    durationMs: number;
  },
) {
  const traceId = newTraceId();
  const rootId = newSpanId();
  const startNs = nowNs(-o.agoMs);
  const endNs = (BigInt(startNs) + BigInt(o.durationMs) * 1_000_000n).toString();
  const root = jsonSpan(
    { name: `root ${key}`, spanId: rootId, startTimeUnixNano: startNs, endTimeUnixNano: endNs },
    traceId,
  );
  const chat = jsonSpan(
    {
      name: `chat ${o.model}`,
      kind: 3,
      parentSpanId: rootId,
      startTimeUnixNano: (BigInt(startNs) + 1_000_000n).toString(),
      status: o.error ? 2 : 0,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': o.model,
        'gen_ai.prompt.name': o.prompt,
        'gen_ai.prompt.version': o.version,
        'gen_ai.usage.input_tokens': 1000,
        'gen_ai.usage.output_tokens': 100,
      },
    },
    traceId,
  );
  const res = await postTraces(
    tl.otlpUrl,
    jsonRequest({ 'service.name': `svc-${key}`, 'deployment.environment.name': o.env }, [root, chat]),
  );
  expect(res.status).toBe(200);
  traces[key] = { traceId, startNs };
}

const list = async (query = '') => {
  const res = await fetch(`${tl.apiUrl}/api/v1/traces${query}`);
  return {
    status: res.status,
    body: (await res.json()) as TracePage & { error?: { message: string; field?: string } },
  };
};
const keysOf = (rows: TraceSummary[]) =>
  rows.map((r) => Object.keys(traces).find((k) => traces[k]!.traceId === r.traceId)).sort();

beforeAll(async () => {
  tl = await startTestTracelane();
  await seed('a', {
    env: 'production',
    prompt: 'reply',
    version: '1',
    model: 'gpt-4o-mini',
    agoMs: 5 * 60_000,
    durationMs: 100,
  });
  await seed('b', {
    env: 'production',
    prompt: 'reply',
    version: '2',
    model: 'gpt-4o-mini',
    agoMs: 4 * 60_000,
    durationMs: 900,
    error: true,
  });
  await seed('c', {
    env: 'staging',
    prompt: 'reply',
    version: '2',
    model: 'gpt-4o',
    agoMs: 3 * 60_000,
    durationMs: 300,
  });
  await seed('d', {
    env: 'production',
    prompt: 'summary',
    version: '1',
    model: 'claude-3-5-haiku',
    agoMs: 2 * 60_000,
    durationMs: 2000,
  });
  await seed('old', {
    env: 'production',
    prompt: 'reply',
    version: '1',
    model: 'gpt-4o-mini',
    agoMs: 3 * 3600_000,
    durationMs: 50,
  });
});
afterAll(() => tl.close());

describe('GET /api/v1/traces', () => {
  it('lists the last hour by default, newest first, one summary per trace', async () => {
    const { status, body } = await list();
    expect(status).toBe(200);
    expect(body.traces.map((t) => t.traceId)).toEqual(['d', 'c', 'b', 'a'].map((k) => traces[k]!.traceId));
    expect(body.nextCursor).toBeNull();
    const b = body.traces.find((t) => t.traceId === traces.b!.traceId)!;
    expect(b).toMatchObject({
      rootSpanName: 'root b',
      serviceName: 'svc-b',
      startUnixNano: traces.b!.startNs,
      durationMs: 900,
      spanCount: 2,
      generationCount: 1,
      hasError: true,
      environments: ['production'],
      prompts: [{ name: 'reply', version: '2' }],
      models: ['gpt-4o-mini'],
      inputTokens: 1000,
      outputTokens: 100,
    });
    expect(b.costUsd).toBeCloseTo((1000 * 0.15 + 100 * 0.6) / 1e6, 12);
  });

  it('filters by environment, prompt, version, model, status and duration', async () => {
    expect(keysOf((await list('?environment=production')).body.traces)).toEqual(['a', 'b', 'd']);
    expect(keysOf((await list('?prompt=reply&version=2')).body.traces)).toEqual(['b', 'c']);
    expect(keysOf((await list('?model=gpt-4o')).body.traces)).toEqual(['c']);
    expect(keysOf((await list('?status=error')).body.traces)).toEqual(['b']);
    expect(keysOf((await list('?status=ok&environment=production')).body.traces)).toEqual(['a', 'd']);
    expect(keysOf((await list('?minDurationMs=300&maxDurationMs=1000')).body.traces)).toEqual(['b', 'c']);
  });

  it('applies an explicit window given as ISO-8601 or epoch milliseconds', async () => {
    const from = new Date(Date.now() - 4 * 3600_000).toISOString();
    const to = String(Date.now() - 3600_000);
    expect(keysOf((await list(`?from=${from}&to=${to}`)).body.traces)).toEqual(['old']);
  });

  it('pages with an opaque cursor without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const { body } = await list(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(body.traces.length).toBeLessThanOrEqual(1);
      seen.push(...body.traces.map((t) => t.traceId));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['d', 'c', 'b', 'a'].map((k) => traces[k]!.traceId));
  });

  it.each([
    ['?from=yesterday', 'from', 'from: must be an ISO-8601 time or epoch milliseconds'],
    ['?from=2000&to=1000', 'from', 'from must be before to'],
    ['?limit=0', 'limit', undefined],
    ['?limit=abc', 'limit', undefined],
    ['?limit=501', 'limit', undefined],
    ['?status=broken', 'status', undefined],
    ['?minDurationMs=-1', 'minDurationMs', undefined],
    ['?minDurationMs=10&maxDurationMs=5', 'minDurationMs', 'minDurationMs must not exceed maxDurationMs'],
    ['?cursor=bm9wZQ', 'cursor', 'cursor is not a cursor this API returned'],
    ['?envirnoment=production', 'envirnoment', undefined],
    ['?environment=a&environment=b', 'environment', undefined],
  ])('answers 400 naming the parameter for %s', async (query, field, message) => {
    const { status, body } = await list(query);
    expect(status).toBe(400);
    expect(body.error?.field).toBe(field);
    expect(body.error?.message).toContain(message ?? field);
  });
});

describe('GET /api/v1/traces/{traceId}', () => {
  it('returns every span with exact start times', async () => {
    const res = await fetch(`${tl.apiUrl}/api/v1/traces/${traces.a!.traceId.toUpperCase()}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      traceId: string;
      truncated: boolean;
      spans: { name: string; startUnixNano: string }[];
    };
    expect(body.truncated).toBe(false);
    expect(body.spans.map((s) => s.name)).toEqual(['root a', 'chat gpt-4o-mini']);
    expect(body.spans[0]!.startUnixNano).toBe(traces.a!.startNs);
  });

  it('answers 404 for an unknown trace and 400 for a malformed id', async () => {
    const unknown = await fetch(`${tl.apiUrl}/api/v1/traces/${newTraceId()}`);
    expect(unknown.status).toBe(404);
    const malformed = await fetch(`${tl.apiUrl}/api/v1/traces/not-a-trace-id`);
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { field: string; message: string } }).error).toEqual({
      code: 'bad_request',
      field: 'traceId',
      message: 'traceId must be 32 hex digits',
    });
  });
});
