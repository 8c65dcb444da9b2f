import { LangfuseSpanProcessor } from '@langfuse/otel';
import { setLangfuseTracerProvider, startObservation } from '@langfuse/tracing';
import { tracing } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { jsonRequest, jsonSpan, postTraces } from './otlp-request.js';

/**
 * The Langfuse TypeScript SDK pointed at Tracelane by its base URL alone: it exports to
 * `/api/public/otel/v1/traces` with `Authorization: Basic base64(public key:secret key)`, the secret key being an
 * ingest key.
 */
const SECRET = 'sk-lf-tracelane-ingest';
let tl: TestTracelane;
beforeAll(async () => {
  tl = await startTestTracelane({ INGEST_KEYS: SECRET, HOST: '127.0.0.1' });
});
afterAll(() => tl.close());

interface ApiSpan {
  name: string;
  llm: Record<string, unknown>;
}

it('receives the SDK’s generations and embeddings, normalised, with its Basic auth', async () => {
  const processor = new LangfuseSpanProcessor({
    publicKey: 'pk-lf-anything',
    secretKey: SECRET,
    baseUrl: tl.otlpUrl,
    environment: 'staging',
  });
  const provider = new tracing.BasicTracerProvider({ spanProcessors: [processor] });
  setLangfuseTracerProvider(provider);

  const root = startObservation('support request', { input: { ticket: 'refund' } });
  const started = Date.now();
  const generation = root.startObservation(
    'answer',
    {
      model: 'claude-sonnet-4-5',
      usageDetails: { input: 1200, output: 300, input_cache_read: 800, input_cache_creation: 200 },
      completionStartTime: new Date(started + 250),
      prompt: { name: 'support-reply', version: 3, isFallback: false },
    },
    { asType: 'generation' },
  );
  generation.end();
  const embedding = root.startObservation(
    'embed question',
    { model: 'text-embedding-3-small', usageDetails: { input: 12 } },
    { asType: 'embedding' },
  );
  embedding.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  setLangfuseTracerProvider(null);

  const res = await fetch(`${tl.apiUrl}/api/v1/traces/${root.traceId}`);
  expect(res.status).toBe(200);
  const { spans } = (await res.json()) as { spans: ApiSpan[] };
  const byName = Object.fromEntries(spans.map((s) => [s.name, s.llm]));
  expect(byName['support request']).toMatchObject({ isGeneration: false, environment: 'staging' });
  expect(byName.answer).toMatchObject({
    environment: 'staging',
    promptName: 'support-reply',
    promptVersion: '3',
    model: 'claude-sonnet-4-5',
    operation: 'chat',
    isGeneration: true,
    inputTokens: 2200,
    outputTokens: 300,
    cachedInputTokens: 800,
    cacheWriteTokens: 200,
  });
  // completion start − generation start: at most 250 ms (the generation started a moment after `started`).
  expect(byName.answer!.timeToFirstTokenMs).toBeGreaterThan(0);
  expect(byName.answer!.timeToFirstTokenMs).toBeLessThanOrEqual(250);
  expect(byName.answer!.costUsd).toBeCloseTo((1200 * 3 + 800 * 0.3 + 200 * 3.75 + 300 * 15) / 1e6, 12);
  expect(byName['embed question']).toMatchObject({ operation: 'embeddings', isGeneration: false, inputTokens: 12 });
  expect(byName['embed question']!.costUsd).toBeCloseTo((12 * 0.02) / 1e6, 15);
});

it('refuses the Langfuse path without the right secret key', async () => {
  const basic = (secret: string) => `Basic ${Buffer.from(`pk-lf-anything:${secret}`).toString('base64')}`;
  const res = await fetch(`${tl.otlpUrl}/api/public/otel/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic('sk-lf-wrong') },
    body: JSON.stringify(jsonRequest({}, [jsonSpan({ name: 'x' })])),
  });
  expect(res.status).toBe(401);
  const ok = await postTraces(tl.otlpUrl, jsonRequest({}, [jsonSpan({ name: 'y' })]), {
    headers: { authorization: basic(SECRET) },
  });
  expect(ok.status).toBe(200);
});
