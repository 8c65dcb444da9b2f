import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { api as otel, resources, tracing } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChangeEvent } from '../../server/changes/change-log.js';
import type { ProductEvent } from '../../server/events/event-bus.js';
import { apiClient, type ApiCall } from '../alerts/api-client.js';
import { hex } from '../analysis/span-factory.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * A provider swaps the snapshot behind `gpt-4o-mini`: generations sent through the real collector with the
 * OpenTelemetry SDK name the same requested model, but a new response model answers. The scan records the switch
 * (before, after, the prompts it answered, an example trace) once, and publishes it.
 */
const MIN = 60_000;
const env = 'production';
const prompt = `triage-${hex(3)}`;

let t: TestTracelane;
let api: ApiCall;
const published: ProductEvent[] = [];

/** Sends generations answered by `responseModel`; waits until `total` spans answered by it are stored. */
async function send(responseModel: string, times: number[], total = times.length) {
  const provider = new tracing.BasicTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': 'triage', 'deployment.environment.name': env }),
    spanProcessors: [new tracing.BatchSpanProcessor(new OTLPTraceExporter({ url: `${t.otlpUrl}/v1/traces` }))],
  });
  const tracer = provider.getTracer('snapshot-test');
  for (const start of times) {
    const span = tracer.startSpan('chat gpt-4o-mini', {
      kind: otel.SpanKind.CLIENT,
      startTime: start,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': responseModel,
        'gen_ai.prompt.name': prompt,
        'gen_ai.prompt.version': '1',
      },
    });
    span.end(start + 300);
  }
  await provider.forceFlush();
  await provider.shutdown();
  await waitFor(`spans answered by ${responseModel}`, async () => {
    const [row] = await t.store.query<{ n: number }>(
      'SELECT count() AS n FROM otel_traces WHERE ResponseModel = {m:String}',
      { m: responseModel },
    );
    return row?.n === total ? true : undefined;
  });
}

const snapshotChanges = async () =>
  (await api<{ changes: ChangeEvent[] }>('GET', `/api/v1/changes?kind=model_snapshot&prompt=${prompt}`)).body.changes;

beforeAll(async () => {
  t = await startTestTracelane({ CHANGES_INTERVAL_MS: '600000', CHANGES_SCAN_DELAY_MS: '0' });
  api = apiClient(t.apiUrl);
  t.bus.subscribe((e) => void (e.type === 'change.detected' && published.push(e)));
  const now = Date.now();
  await send(
    'gpt-4o-mini-2024-07-18',
    [40, 30, 20, 10].map((m) => now - m * MIN),
  );
  await t.changes.runNow();
}, 120_000);

afterAll(() => t.close());

it('records nothing while the same snapshot answers', async () => {
  expect(await snapshotChanges()).toEqual([]);
});

it('records a swapped response model once, with what it replaced and an example trace', async () => {
  const start = Date.now();
  await send('gpt-4o-mini-2025-01-31', [start, start + 1, start + 2]);
  await waitFor('the clock to pass the new spans', () => (Date.now() > start + 10 ? true : undefined));
  await t.changes.runNow();
  await t.changes.runNow();
  const [change, ...others] = await snapshotChanges();
  expect(others).toEqual([]);
  expect(change).toMatchObject({
    kind: 'model_snapshot',
    environment: env,
    model: 'gpt-4o-mini',
    before: 'gpt-4o-mini-2024-07-18',
    after: 'gpt-4o-mini-2025-01-31',
    prompts: [prompt],
    spans: 3,
    time: new Date(start).toISOString(),
  });
  const [example] = await t.store.query<{ model: string }>(
    'SELECT ResponseModel AS model FROM otel_traces WHERE TraceId = {id:String}',
    { id: change!.exampleTraceId },
  );
  expect(example?.model).toBe('gpt-4o-mini-2025-01-31');
  expect(published.map((e) => e.data.description)).toEqual([
    'model snapshot behind gpt-4o-mini: gpt-4o-mini-2024-07-18 → gpt-4o-mini-2025-01-31',
  ]);
});

it('goes on counting the spans the new snapshot answers', async () => {
  const start = Date.now();
  await send('gpt-4o-mini-2025-01-31', [start, start + 1], 5);
  await waitFor('the clock to pass the new spans', () => (Date.now() > start + 10 ? true : undefined));
  await t.changes.runNow();
  const [change, ...others] = await snapshotChanges();
  expect(others).toEqual([]);
  expect(change?.spans).toBe(5);
  expect(Date.parse(change!.lastSeen)).toBeGreaterThanOrEqual(start + 1);
  expect(published).toHaveLength(1);
});
