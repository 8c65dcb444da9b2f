import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TracePage } from '../../server/traces/list-traces.js';
import { SEARCH_TEXT } from '../../server/traces/text-search.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { jsonRequest, jsonSpan, newSpanId, newTraceId, nowNs, postTraces } from '../collector/otlp-request.js';

/**
 * Trace search on `GET /api/v1/traces`: attribute filters (=, !=, exists, numeric comparisons) on span and
 * resource attributes, trace cost, text inside captured prompts and completions (attributes and events), bound
 * parameters only, the work limit, and bounded list rows whatever a span holds.
 */
let tl: TestTracelane;
const ids: Record<string, string> = {};

async function send(
  key: string,
  o: {
    attributes?: Record<string, string | number>;
    resource?: Record<string, string>;
    events?: { name: string; attributes: Record<string, string> }[];
    name?: string;
    cost?: number;
  },
) {
  const traceId = newTraceId();
  const span = jsonSpan(
    {
      name: o.name ?? `chat ${key}`,
      spanId: newSpanId(),
      startTimeUnixNano: nowNs(-60_000),
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 10,
        ...(o.cost !== undefined ? { 'gen_ai.usage.cost': o.cost } : {}),
        ...o.attributes,
      },
      events: o.events,
    },
    traceId,
  );
  const res = await postTraces(tl.otlpUrl, jsonRequest({ 'service.name': `svc-${key}`, ...o.resource }, [span]));
  expect(res.status).toBe(200);
  ids[key] = traceId;
}

const search = async (query: string) => {
  const res = await fetch(`${tl.apiUrl}/api/v1/traces?${query}`);
  const body = (await res.json()) as TracePage & { error?: { code: string; message: string; field?: string } };
  return { status: res.status, body, bytes: JSON.stringify(body).length };
};
const found = async (query: string) => {
  const { status, body } = await search(query);
  expect(status, JSON.stringify(body)).toBe(200);
  return body.traces.map((t) => Object.keys(ids).find((k) => ids[k] === t.traceId)).sort();
};

beforeAll(async () => {
  tl = await startTestTracelane({ TRACE_SEARCH_MAX_ROWS: '10000', NAME_MAX_CHARS: '100000' }); // names stored whole up to 100,000 characters: the list must still cut them;
  await send('gold', {
    attributes: {
      'user.tier': 'gold',
      'app.retries': 3,
      'gen_ai.prompt.0.content': 'Where is my Refund for order 1234?',
    },
    resource: { 'k8s.namespace': 'checkout' },
    cost: 0.05,
  });
  await send('silver', {
    attributes: { 'user.tier': 'silver', 'app.retries': 12 },
    events: [{ name: 'gen_ai.choice', attributes: { message: 'Your parcel ships tomorrow, 100% sure_thing' } }],
    cost: 0.002,
  });
  await send('plain', { resource: { 'k8s.namespace': 'search' } });
  await send('hostile', { attributes: { note: "') OR 1=1 --" } });
  await send('huge', { name: 'n'.repeat(100_000), resource: { 'deployment.environment.name': 'e'.repeat(5000) } });
});
afterAll(() => tl.close());

describe('attribute filters', () => {
  it('key=value on span and resource attributes', async () => {
    expect(await found('attr=user.tier=gold')).toEqual(['gold']);
    expect(await found('attr=k8s.namespace=checkout')).toEqual(['gold']);
    expect(await found(`attr=${encodeURIComponent('user.tier!=gold')}`)).toEqual(['silver']);
  });

  it('key exists, and several filters together', async () => {
    expect(await found('attr=user.tier')).toEqual(['gold', 'silver']);
    expect(await found('attr=user.tier&attr=k8s.namespace')).toEqual(['gold']);
    expect(await found('attr=no.such.key')).toEqual([]);
  });

  it('numeric comparisons', async () => {
    expect(await found(`attr=${encodeURIComponent('app.retries>5')}`)).toEqual(['silver']);
    expect(await found(`attr=${encodeURIComponent('app.retries<=3')}`)).toEqual(['gold']);
    expect(await found(`attr=${encodeURIComponent('app.retries>=3')}`)).toEqual(['gold', 'silver']);
  });
});

describe('cost and text', () => {
  it('filters by the trace cost', async () => {
    expect(await found('minCostUsd=0.01')).toEqual(['gold']);
    expect(await found('minCostUsd=0.001&maxCostUsd=0.01')).toEqual(['silver']);
  });

  it('finds text inside prompts (attributes) and completions (events), case-insensitively', async () => {
    expect(await found('q=refund')).toEqual(['gold']);
    expect(await found('q=REFUND%20for%20ORDER')).toEqual(['gold']);
    expect(await found('q=parcel%20ships')).toEqual(['silver']);
    expect(await found('q=nothing%20like%20this')).toEqual([]);
  });

  it('takes LIKE wildcards in the text literally', async () => {
    expect(await found('q=100%25%20sure_thing')).toEqual(['silver']);
    expect(await found('q=1%25%20s')).toEqual([]);
    expect(await found('q=sure%5Fthing')).toEqual(['silver']);
  });
});

describe('bound parameters only', () => {
  it.each([
    ['q', "') OR 1=1 --"],
    ['attr', "note=') OR 1=1 --"],
    ['attr', "') OR 1=1 --"],
    ['model', "') OR 1=1 --"],
  ])('a search for %s = %s finds only what contains it and errors nothing', async (param, value) => {
    const { status, body } = await search(`${param}=${encodeURIComponent(value)}`);
    expect(status).toBe(200);
    const expected = param === 'q' || value.startsWith('note=') ? [ids.hostile] : [];
    expect(body.traces.map((t) => t.traceId)).toEqual(expected);
  });
});

describe('bounds', () => {
  it('list rows carry bounded summaries; the full name comes with the one trace', async () => {
    const { status, body, bytes } = await search('limit=50');
    expect(status).toBe(200);
    const huge = body.traces.find((t) => t.traceId === ids.huge)!;
    expect(huge.rootSpanName).toHaveLength(200);
    expect(huge.rootSpanName.endsWith('…')).toBe(true);
    expect(huge.environments[0]).toHaveLength(200);
    expect(bytes).toBeLessThan(20_000);
    const trace = (await (await fetch(`${tl.apiUrl}/api/v1/traces/${ids.huge}`)).json()) as {
      spans: { name: string }[];
    };
    expect(trace.spans[0]?.name).toHaveLength(100_000);
  });

  it('a search past the row limit is a 400 saying what to narrow', async () => {
    // 20,000 spans in the window; TRACE_SEARCH_MAX_ROWS is 10,000 in this file.
    await tl.store.exec(
      `INSERT INTO otel_traces (Timestamp, TraceId, SpanId, SpanName, ServiceName)
       SELECT now64(9) - toIntervalSecond(number % 3000), lower(hex(cityHash64(number))), lower(hex(number)), 'bulk', 'bulk'
       FROM numbers(20000)`,
    );
    const { status, body } = await search('status=error');
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'search_too_broad', field: 'from' });
    expect(body.error?.message).toMatch(/more than 10,000 spans \(TRACE_SEARCH_MAX_ROWS\)/);
  });

  it.each([
    ['attr=a%3Db&attr=c&attr=d&attr=e&attr=f&attr=g&attr=h&attr=i&attr=j&attr=k&attr=l', 'attr'],
    [`attr=${encodeURIComponent('x>abc')}`, 'attr'],
    ['attr=', 'attr'],
    ['q=ab', 'q'],
    ['minCostUsd=2&maxCostUsd=1', 'minCostUsd'],
    ['minCostUsd=-1', 'minCostUsd'],
  ])('answers 400 naming the parameter for %s', async (query, field) => {
    const { status, body } = await search(query);
    expect(status).toBe(400);
    expect(body.error?.field).toBe(field);
  });
});

describe('the text index', () => {
  it('indexes exactly the expression the search uses (or ClickHouse would not use it)', () => {
    const migration = readFileSync(
      new URL('../../server/store/migrations/007_trace_search_indexes.sql', import.meta.url),
      'utf8',
    );
    expect(migration).toContain(`idx_search_text ${SEARCH_TEXT} TYPE ngrambf_v1`);
  });
});
