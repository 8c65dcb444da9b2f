import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { jsonRequest, jsonSpan, newTraceId, postTraces, type SpanInput } from './otlp-request.js';

/**
 * One realistic fixture per instrumentation family (fixtures/*.json): the spans are sent to the running collector
 * as OTLP/JSON, read back through `GET /api/v1/traces/{id}`, and every `expect` field must equal the normalised
 * column (costs and scores to 9 decimals).
 */
interface Fixture {
  family: string;
  resource: Record<string, string>;
  spans: (SpanInput & { expect: Record<string, unknown> })[];
}

const dir = new URL('./fixtures/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, fixture: JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Fixture }));

let tl: TestTracelane;
beforeAll(async () => {
  tl = await startTestTracelane({
    PROMPT_NAME_KEYS: 'app.prompt',
    PROMPT_VERSION_KEYS: 'app.prompt_version',
    ENVIRONMENT_KEYS: 'app.env',
    QUALITY_KEYS: 'app.quality',
  });
});
afterAll(() => tl.close());

describe.each(fixtures)('$file', ({ fixture }) => {
  it(`normalises ${fixture.family}`, async () => {
    const traceId = newTraceId();
    const spans = fixture.spans.map((s) => jsonSpan(s, traceId));
    const res = await postTraces(tl.otlpUrl, jsonRequest(fixture.resource, spans));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({});

    const trace = (await (await fetch(`${tl.apiUrl}/api/v1/traces/${traceId}`)).json()) as {
      spans: { spanId: string; name: string; llm: Record<string, unknown> }[];
    };
    expect(trace.spans).toHaveLength(fixture.spans.length);
    fixture.spans.forEach((input, i) => {
      const stored = trace.spans.find((s) => s.spanId === spans[i]!.spanId);
      expect(stored, input.name).toBeDefined();
      for (const [field, want] of Object.entries(input.expect)) {
        const got = stored!.llm[field];
        if (typeof want === 'number' && !Number.isInteger(want)) {
          expect(got, `${input.name}: ${field}`).toBeCloseTo(want, 9);
        } else {
          expect(got, `${input.name}: ${field}`).toEqual(want);
        }
      }
    });
  });
});

it('has one fixture per instrumentation family', () => {
  expect(fixtures.map((f) => f.file).sort()).toEqual(
    expect.arrayContaining([
      'genai-current.json',
      'genai-deprecated.json',
      'langfuse.json',
      'openinference.json',
      'openlit.json',
      'openllmetry.json',
      'vercel-ai.json',
      'genkit.json',
      'semantic-kernel.json',
      'spring-ai.json',
      'google-adk.json',
      'pydantic-ai.json',
      'smolagents.json',
      'livekit.json',
      'litellm.json',
      'mlflow.json',
      'strands.json',
    ]),
  );
});

it('rolls the new columns up as metrics: cache writes, reasoning, time to first token, embeddings apart', async () => {
  const traceId = newTraceId();
  const base = { 'gen_ai.prompt.name': 'metrics-prompt', 'gen_ai.prompt.version': '1' };
  const chat = (extra: Record<string, number>) =>
    jsonSpan(
      {
        name: 'chat',
        attributes: {
          ...base,
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'claude-sonnet-4-5',
          'gen_ai.usage.input_tokens': 1000,
          'gen_ai.usage.output_tokens': 100,
          ...extra,
        },
      },
      traceId,
    );
  const embedding = jsonSpan(
    {
      name: 'embeddings',
      attributes: {
        ...base,
        'gen_ai.operation.name': 'embeddings',
        'gen_ai.request.model': 'text-embedding-3-small',
        'gen_ai.usage.input_tokens': 50_000,
      },
    },
    traceId,
  );
  const spans = [
    chat({ 'gen_ai.usage.reasoning.output_tokens': 40, 'gen_ai.response.time_to_first_chunk': 0.3 }),
    chat({ 'gen_ai.usage.cache_creation.input_tokens': 600 }),
    embedding,
  ];
  expect(
    (await postTraces(tl.otlpUrl, jsonRequest({ 'deployment.environment.name': 'metrics-env' }, spans))).status,
  ).toBe(200);
  const to = Date.now() + 60_000;
  const url = `${tl.apiUrl}/api/v1/metrics/timeseries?environment=metrics-env&prompt=metrics-prompt&from=${to - 3_600_000}&to=${to}&step=1h`;
  const series = (await (await fetch(url)).json()) as { series: { points: Record<string, number | null>[] }[] };
  const point = series.series[0]!.points.find((p) => (p.requests ?? 0) > 0)!;
  expect(point).toMatchObject({
    requests: 2,
    reasoningTokensPerRequest: 40,
    cacheWriteTokensPerRequest: 600,
    streamedRequests: 1,
    embeddingRequests: 1,
  });
  expect(point.timeToFirstTokenP50Ms).toBeCloseTo(300, -1);
  expect(point.embeddingCost).toBeCloseTo((50_000 * 0.02) / 1e6, 12);
});
