import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { api, resources, tracing } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';

/**
 * The official OpenTelemetry JS SDK sends to the running collector, with the OTLP/HTTP JSON exporter and the
 * OTLP/HTTP protobuf exporter; the spans are read back through the API, with exact nanosecond times.
 */
let tl: TestTracelane;
beforeAll(async () => {
  tl = await startTestTracelane();
});
afterAll(() => tl.close());

interface ApiSpan {
  name: string;
  durationNs: number;
  attributes: Record<string, string>;
  llm: Record<string, unknown>;
}

const exporters = [
  { name: 'exporter-trace-otlp-http (JSON)', make: (url: string) => new JsonExporter({ url }) },
  { name: 'exporter-trace-otlp-proto (protobuf)', make: (url: string) => new ProtoExporter({ url }) },
];

describe.each(exporters)('$name', ({ make }) => {
  it('delivers spans that read back with attributes, events, parentage, exact times and normalised fields', async () => {
    const provider = new tracing.BasicTracerProvider({
      resource: resources.resourceFromAttributes({
        'service.name': 'sdk-test',
        'deployment.environment.name': 'staging',
      }),
      spanProcessors: [new tracing.BatchSpanProcessor(make(`${tl.otlpUrl}/v1/traces`))],
    });
    const tracer = provider.getTracer('tracelane-test', '1.2.3');
    const seconds = Math.floor(Date.now() / 1000) - 60;
    const start: api.HrTime = [seconds, 123_456_789];
    const root = tracer.startSpan('handle request', { kind: api.SpanKind.SERVER, startTime: start });
    const ctx = api.trace.setSpan(api.context.active(), root);
    const chat = tracer.startSpan(
      'chat gpt-4o-mini',
      {
        kind: api.SpanKind.CLIENT,
        startTime: [seconds, 223_456_789],
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 1000,
          'gen_ai.usage.output_tokens': 100,
          'gen_ai.request.temperature': 0.25,
          'gen_ai.prompt.name': 'sdk-prompt',
          'gen_ai.prompt.version': '3',
          'gen_ai.response.finish_reasons': ['stop'],
          'llm.is_streaming': false,
        },
      },
      ctx,
    );
    chat.addEvent('gen_ai.evaluation.result', { 'gen_ai.evaluation.score.value': 0.75 }, [seconds, 523_456_789]);
    chat.setStatus({ code: api.SpanStatusCode.ERROR, message: 'upstream 500' });
    chat.end([seconds + 1, 223_456_789]);
    root.end([seconds + 2, 0]);
    await provider.forceFlush();
    await provider.shutdown();

    const traceId = root.spanContext().traceId;
    const res = await fetch(`${tl.apiUrl}/api/v1/traces/${traceId}`);
    expect(res.status).toBe(200);
    const { spans } = (await res.json()) as { spans: ApiSpan[] };
    expect(spans.map((s) => s.name)).toEqual(['handle request', 'chat gpt-4o-mini']);
    const [r, c] = spans as [ApiSpan, ApiSpan];
    expect(r).toMatchObject({
      kind: 'Server',
      parentSpanId: '',
      serviceName: 'sdk-test',
      startUnixNano: `${seconds}123456789`,
    });
    expect(r.durationNs).toBe(2_000_000_000 - 123_456_789);
    expect(c).toMatchObject({
      spanId: chat.spanContext().spanId,
      parentSpanId: root.spanContext().spanId,
      kind: 'Client',
      scope: { name: 'tracelane-test', version: '1.2.3' },
      startUnixNano: `${seconds}223456789`,
      durationNs: 1_000_000_000,
      status: { code: 'Error', message: 'upstream 500' },
      resourceAttributes: { 'service.name': 'sdk-test', 'deployment.environment.name': 'staging' },
      events: [
        {
          name: 'gen_ai.evaluation.result',
          timeUnixNano: `${seconds}523456789`,
          attributes: { 'gen_ai.evaluation.score.value': '0.75' },
        },
      ],
    });
    expect(c.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': '1000',
      'gen_ai.request.temperature': '0.25',
      'gen_ai.response.finish_reasons': '["stop"]',
      'llm.is_streaming': 'false',
    });
    expect(c.llm.costUsd).toBeCloseTo((1000 * 0.15 + 100 * 0.6) / 1e6, 12);
    expect(c.llm).toEqual({
      environment: 'staging',
      promptName: 'sdk-prompt',
      promptVersion: '3',
      versionInferred: false,
      model: 'gpt-4o-mini',
      requestModel: 'gpt-4o-mini',
      responseModel: '',
      provider: 'openai',
      operation: 'chat',
      isGeneration: true,
      inputTokens: 1000,
      outputTokens: 100,
      cachedInputTokens: null,
      cacheWriteTokens: null,
      reasoningTokens: null,
      timeToFirstTokenMs: null,
      costUsd: c.llm.costUsd,
      quality: 0.75,
      isError: true,
    });
  });
});
