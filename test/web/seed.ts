import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { api, resources, tracing } from '@opentelemetry/sdk-node';
import { expect } from 'vitest';
import { BASE_PROFILE, drawRequest, seededRandom, type TrafficProfile } from '../analysis/traffic.js';

/**
 * Data for the UI tests, sent the way users send it: spans through the real collector with the official
 * OpenTelemetry exporter (OTLP/HTTP protobuf), prompts and deployments through the registry's HTTP API.
 */
export const XSS_SCRIPT = '<script>window.__xss=1</script>';
export const XSS_IMG = '<img src=x onerror="window.__xss=1">';

const MIN = 60_000;
const hr = (ms: number): api.HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

export class Sender {
  private readonly provider: tracing.BasicTracerProvider;

  constructor(otlpUrl: string) {
    this.provider = new tracing.BasicTracerProvider({
      resource: resources.resourceFromAttributes({ 'service.name': 'support-app' }),
      spanProcessors: [
        // A long timeout: the first export waits for the collector's worker threads to start, slow on a busy machine.
        new tracing.BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpUrl}/v1/traces`, timeoutMillis: 60_000 }), {
          maxQueueSize: 20_000,
          maxExportBatchSize: 1000,
          scheduledDelayMillis: 200,
        }),
      ],
    });
  }

  private get tracer() {
    return this.provider.getTracer('tracelane-ui-test', '1.0.0');
  }

  /**
   * `perMinute` requests of one prompt version in [from, to): each a server span with a model-call child carrying
   * GenAI attributes (model, tokens, prompt name and version, environment), an evaluation score, and errors.
   */
  traffic(o: {
    prompt: string;
    version: string;
    environment: string;
    from: number;
    to: number;
    perMinute: number;
    profile?: TrafficProfile;
    seed: number;
  }): number {
    const random = seededRandom(o.seed);
    let count = 0;
    for (let t = o.from; t < o.to; t += MIN / o.perMinute) {
      const r = drawRequest(random, o.profile ?? BASE_PROFILE);
      const root = this.tracer.startSpan('POST /answer', { kind: api.SpanKind.SERVER, startTime: hr(t) });
      const chat = this.tracer.startSpan(
        'chat gpt-4o-mini',
        {
          kind: api.SpanKind.CLIENT,
          startTime: hr(t + 5),
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.usage.input_tokens': r.inputTokens,
            'gen_ai.usage.output_tokens': r.outputTokens,
            'gen_ai.prompt.name': o.prompt,
            'gen_ai.prompt.version': o.version,
            'deployment.environment.name': o.environment,
          },
        },
        api.trace.setSpan(api.context.active(), root),
      );
      chat.addEvent(
        'gen_ai.evaluation.result',
        { 'gen_ai.evaluation.score.value': r.quality },
        hr(t + 5 + r.latencyMs),
      );
      if (r.error) chat.setStatus({ code: api.SpanStatusCode.ERROR, message: 'upstream 500' });
      chat.end(hr(t + 5 + r.latencyMs));
      root.end(hr(t + 10 + r.latencyMs));
      count++;
    }
    return count;
  }

  /** A trace whose span name and attributes carry script payloads; returns its trace id. */
  hostileTrace(at: number): string {
    const root = this.tracer.startSpan(XSS_IMG, { kind: api.SpanKind.SERVER, startTime: hr(at) });
    const chat = this.tracer.startSpan(
      'chat gpt-4o-mini',
      {
        startTime: hr(at + 5),
        attributes: {
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 12,
          'gen_ai.usage.output_tokens': 3,
          'deployment.environment.name': 'development',
          'gen_ai.prompt.0.role': 'user',
          'gen_ai.prompt.0.content': XSS_IMG,
          'gen_ai.completion.0.content': XSS_SCRIPT,
          'user.comment': XSS_SCRIPT,
        },
      },
      api.trace.setSpan(api.context.active(), root),
    );
    chat.end(hr(at + 300));
    root.end(hr(at + 310));
    return root.spanContext().traceId;
  }

  async flush(): Promise<void> {
    await this.provider.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}

/** JSON requests to the API (registry set-up and checks). */
export async function apiCall<T = Record<string, unknown>>(
  apiUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(apiUrl + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  expect(res.status, `${method} ${path}: ${JSON.stringify(json)}`).toBeLessThan(300);
  return json;
}

export { waitFor } from '../helpers/wait-for.js';
