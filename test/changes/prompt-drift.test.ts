import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { api as otel, resources, tracing } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../server/changes/change-log.js';
import type { ChangeAnalysis } from '../../server/changes/judge-change.js';
import { scannedTo } from '../../server/changes/scan-state.js';
import { SYSTEM_PROMPT_SQL } from '../../server/changes/system-prompt-sql.js';
import type { ProductEvent } from '../../server/events/event-bus.js';
import { apiClient, type ApiCall } from '../alerts/api-client.js';
import { generationSpan, hex } from '../analysis/span-factory.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * Prompt text drift: spans claim version 1 of a prompt; some captured the system prompt version 1 renders to (with
 * any company name), others a text the application edited by hand. The scan counts every mismatching span under
 * one change with an example trace and the place the texts part; matching spans, spans of versions without a
 * system message and inferred versions count nothing. The system prompt is read from every convention.
 */
const MIN = 60_000;
const NOW = Date.now();
const env = 'production';
const prompt = `router-${hex(4)}`;
const TEMPLATE = 'You route tickets for {{company}}. Reply with one team name.';
const EDITED = 'You route tickets for Acme. Reply with one team name. Always escalate refunds.';

let t: TestTracelane;
let api: ApiCall;
const published: ProductEvent[] = [];

/** OpenLLMetry-style rows with the system prompt at message 0. */
function captured(
  text: string,
  count: number,
  at: { version?: string; inferred?: boolean; from: number; step?: number },
) {
  return Array.from({ length: count }, (_, i) => ({
    ...generationSpan({ time: at.from + i * (at.step ?? 1000), environment: env, prompt, version: at.version ?? '1' }),
    VersionInferred: at.inferred ? 1 : 0,
    SpanAttributes: {
      'gen_ai.prompt.0.role': 'system',
      'gen_ai.prompt.0.content': text,
      'gen_ai.prompt.1.role': 'user',
    },
  }));
}

/** Matching spans through the real collector, in the OpenTelemetry GenAI message format. */
async function sendMatching(companies: string[]) {
  const provider = new tracing.BasicTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': 'router', 'deployment.environment.name': env }),
    spanProcessors: [new tracing.SimpleSpanProcessor(new OTLPTraceExporter({ url: `${t.otlpUrl}/v1/traces` }))],
  });
  const tracer = provider.getTracer('drift-test');
  for (const [i, company] of companies.entries()) {
    const start = NOW - 20 * MIN + i * 1000;
    const system = TEMPLATE.replace('{{company}}', company);
    const span = tracer.startSpan('chat gpt-4o-mini', {
      kind: otel.SpanKind.CLIENT,
      startTime: start,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.prompt.name': prompt,
        'gen_ai.prompt.version': '1',
        'gen_ai.input.messages': JSON.stringify([
          { role: 'system', parts: [{ type: 'text', content: system }] },
          { role: 'user', parts: [{ type: 'text', content: 'My invoice is wrong' }] },
        ]),
      },
    });
    span.end(start + 400);
  }
  await provider.forceFlush();
  await provider.shutdown();
}

const changesOf = async () =>
  (await api<{ changes: ChangeEvent[] }>('GET', `/api/v1/changes?kind=prompt_drift&prompt=${prompt}`)).body.changes;

beforeAll(async () => {
  t = await startTestTracelane({ CHANGES_INTERVAL_MS: '600000', CHANGES_SCAN_DELAY_MS: '0' });
  api = apiClient(t.apiUrl);
  t.bus.subscribe((e) => void (e.type === 'change.detected' && published.push(e)));
  expect((await api('POST', '/api/v1/prompts', { name: prompt })).status).toBe(201);
  for (const messages of [
    [
      { role: 'system', content: TEMPLATE },
      { role: 'user', content: '{{ticket}}' },
    ],
    [{ role: 'user', content: 'No system message in this version: {{ticket}}' }],
  ]) {
    const res = await api('POST', `/api/v1/prompts/${prompt}/versions`, {
      provider: 'openai',
      model: 'gpt-4o-mini',
      messages,
    });
    expect(res.status, res.text).toBe(201);
  }
  await sendMatching(['Acme', 'Globex Corporation', '']);
  await t.store.insert('otel_traces', [
    ...captured(EDITED, 7, { from: NOW - 15 * MIN }),
    ...captured('Whatever the app says', 4, { version: '2', from: NOW - 15 * MIN }),
    ...captured('Inferred spans are not checked', 3, { inferred: true, from: NOW - 15 * MIN }),
  ]);
  await waitFor('the matching spans', async () => {
    const [row] = await t.store.query<{ n: number }>(
      `SELECT count() AS n FROM otel_traces WHERE PromptName = {prompt:String}`,
      { prompt },
    );
    return row && row.n >= 17 ? true : undefined;
  });
  await t.changes.runNow();
}, 120_000);

afterAll(() => t.close());

describe('prompt text drift', () => {
  it('is one change counting every mismatching span, with an example trace and where the text differs', async () => {
    const [change, ...others] = await changesOf();
    expect(others).toEqual([]);
    expect(change).toMatchObject({ kind: 'prompt_drift', environment: env, prompt, version: '1', spans: 7 });
    const [example] = await t.store.query<{ n: number }>(
      `SELECT count() AS n FROM otel_traces WHERE TraceId = {id:String} AND SpanAttributes['gen_ai.prompt.0.content'] = {text:String}`,
      { id: change!.exampleTraceId, text: EDITED },
    );
    expect(example?.n).toBe(1);
    expect(change?.evidence).toMatchObject({
      capturedStart: EDITED,
      difference: {
        offset: 22,
        template: expect.stringContaining('{{company}}') as unknown,
        captured: expect.stringContaining('Acme.') as unknown,
      },
    });
    expect(published.map((e) => e.data.id)).toEqual([change!.id]);
    expect(published[0]?.data.description).toBe(
      `prompt text drift: ${prompt} v1 runs a system prompt that version does not render`,
    );
  });

  it('adds later spans to the same change', async () => {
    const since = (await scannedTo(t.store, 'prompt_drift')) as number;
    await waitFor('the clock to pass the last scan', () => (Date.now() > since + 10 ? true : undefined));
    await t.store.insert('otel_traces', captured(EDITED.replace('Acme', 'Initech'), 5, { from: since + 1, step: 1 }));
    await t.changes.runNow();
    const [change, ...others] = await changesOf();
    expect(others).toEqual([]);
    expect(change?.spans).toBe(12);
    expect(published).toHaveLength(1);
  });

  it('is judged like a deployment: the same version before and after', async () => {
    const [change] = await changesOf();
    const res = await api<ChangeAnalysis>('GET', `/api/v1/changes/${change!.id}/analysis`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ changeId: change!.id, prompt, version: 1, baseline: { requests: 3 } });
    expect(res.body.metrics.map((m) => [m.name, m.verdict])).toContainEqual(['latency_p95', 'inconclusive']);
  });
});

describe('the captured system prompt', () => {
  const cases: [string, Record<string, unknown>][] = [
    [
      'GenAI system_instructions',
      { SpanAttributes: { 'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'S' }]) } },
    ],
    ['GenAI plain system_instructions', { SpanAttributes: { 'gen_ai.system_instructions': 'S' } }],
    [
      'GenAI input messages',
      {
        SpanAttributes: {
          'gen_ai.input.messages': JSON.stringify([
            { role: 'system', parts: [{ type: 'text', content: 'S' }] },
            { role: 'user', parts: [] },
          ]),
        },
      },
    ],
    ['OpenLLMetry', { SpanAttributes: { 'gen_ai.prompt.0.role': 'system', 'gen_ai.prompt.0.content': 'S' } }],
    [
      'OpenInference',
      {
        SpanAttributes: { 'llm.input_messages.0.message.role': 'system', 'llm.input_messages.0.message.content': 'S' },
      },
    ],
    [
      'Vercel AI SDK messages',
      {
        SpanAttributes: {
          'ai.prompt.messages': JSON.stringify([
            { role: 'system', content: 'S' },
            { role: 'user', content: [{ type: 'text', text: 'u' }] },
          ]),
        },
      },
    ],
    ['Vercel AI SDK prompt', { SpanAttributes: { 'ai.prompt': JSON.stringify({ system: 'S', prompt: 'u' }) } }],
    [
      'Langfuse',
      {
        SpanAttributes: {
          'langfuse.observation.input': JSON.stringify([{ role: 'system', content: [{ type: 'text', text: 'S' }] }]),
        },
      },
    ],
    [
      'GenAI system message event',
      {
        'Events.Name': ['gen_ai.system.message'],
        'Events.Timestamp': ['2026-01-01 00:00:00'],
        'Events.Attributes': [{ content: 'S' }],
      },
    ],
    ['a user message only', { SpanAttributes: { 'gen_ai.prompt.0.role': 'user', 'gen_ai.prompt.0.content': 'not S' } }],
  ];

  it.each(cases)('is read from %s', async (name, columns) => {
    const traceId = hex(16);
    await t.store.insert('otel_traces', [
      { ...generationSpan({ time: NOW, environment: 'sql', prompt: 'p', traceId }), ...columns },
    ]);
    const [row] = await t.store.query<{ sys: string }>(
      `SELECT ${SYSTEM_PROMPT_SQL} AS sys FROM otel_traces WHERE TraceId = {traceId:String}`,
      { traceId },
    );
    expect(row?.sys).toBe(name === 'a user message only' ? '' : 'S');
  });
});
