import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type HrTime, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resources } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ApiClient } from './api-client.js';
import { PromptClient, type ResolvedPrompt } from './prompt-client.js';
import { behaviourOf, complete, type Completion } from './simulated-model.js';
import type { Ticket } from './tickets.js';

/**
 * The demo application: a support-ticket triage service, deployed once per environment. For every ticket it asks
 * the (simulated) model to pick a team and a priority with the prompt version the registry says is live, and
 * reports it the way any instrumented LLM application would — OpenTelemetry spans over OTLP/HTTP with the GenAI
 * conventions, and a `gen_ai.evaluation.result` event saying whether the routing was right.
 *
 * Each environment is its own tracer provider because `deployment.environment.name` is a resource attribute
 * (two real deployments would be two processes). Times are explicit so that the history can be backfilled.
 */
export interface TriageServiceOptions {
  api: ApiClient;
  otlpUrl: string;
  ingestKey?: string;
  prompt: string;
  environment: string;
  random: () => number;
  /** Called when the service starts using another prompt version. */
  onVersionChange?: (environment: string, version: number) => void;
}

const SERVICE = 'support-triage';

export class TriageService {
  readonly environment: string;
  readonly prompts: PromptClient;
  private readonly provider: TracerProvider;
  private readonly tracer: Tracer;

  private constructor(private readonly options: TriageServiceOptions) {
    this.environment = options.environment;
    const exporter = new OTLPTraceExporter({
      url: `${options.otlpUrl}/v1/traces`,
      headers: options.ingestKey ? { authorization: `Bearer ${options.ingestKey}` } : {},
    });
    this.provider = new TracerProvider({
      resource: resources.resourceFromAttributes({
        'service.name': SERVICE,
        'service.version': '3.4.1',
        'deployment.environment.name': options.environment,
      }),
      spanProcessors: [
        new BatchSpanProcessor({ exporter, maxQueueSize: 16_384, maxExportBatchSize: 2048, scheduledDelayMillis: 250 }),
      ],
    });
    this.tracer = this.provider.getTracer(SERVICE, '3.4.1');
    this.prompts = new PromptClient(options.api, options.prompt, options.environment, (resolved) =>
      options.onVersionChange?.(options.environment, resolved.version),
    );
  }

  /** Starts the service: it resolves its prompt before taking tickets. */
  static async start(options: TriageServiceOptions): Promise<TriageService> {
    const service = new TriageService(options);
    await service.prompts.refresh();
    return service;
  }

  /** Serves one ticket that arrived at epoch-ms `at`, with the live prompt version. */
  triage(ticket: Ticket, at: number): Completion {
    return this.triageWith(this.prompts.current(), ticket, at);
  }

  /** Serves one ticket with a given version (the backfill replays history with the version live back then). */
  triageWith(prompt: Pick<ResolvedPrompt, 'version' | 'snapshot'>, ticket: Ticket, at: number): Completion {
    const { snapshot } = prompt;
    const result = complete(behaviourOf(snapshot), ticket, this.options.random);
    const root = this.tracer.startSpan('POST /tickets/triage', {
      kind: SpanKind.SERVER,
      startTime: hr(at),
      attributes: { 'http.request.method': 'POST', 'http.route': '/tickets/triage', 'ticket.id': ticket.id },
    });
    const callStart = at + 2;
    const callEnd = callStart + result.latencyMs;
    const chat = this.tracer.startSpan(
      `chat ${snapshot.model}`,
      {
        kind: SpanKind.CLIENT,
        startTime: hr(callStart),
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': snapshot.provider,
          'gen_ai.request.model': snapshot.model,
          'gen_ai.request.temperature': snapshot.settings.temperature ?? 0,
          'gen_ai.request.max_tokens': snapshot.settings.maxTokens ?? 256,
          'gen_ai.prompt.name': this.options.prompt,
          'gen_ai.prompt.version': String(prompt.version),
          'gen_ai.usage.input_tokens': result.inputTokens,
          'gen_ai.usage.output_tokens': result.outputTokens,
        },
      },
      trace.setSpan(ROOT_CONTEXT, root),
    );
    if (result.error) {
      chat.setAttribute('error.type', result.error.type);
      chat.setStatus({ code: SpanStatusCode.ERROR, message: result.error.message });
      root.setStatus({ code: SpanStatusCode.ERROR, message: `model call failed: ${result.error.message}` });
      root.setAttribute('http.response.status_code', 502);
    } else {
      const correct = result.team === ticket.team;
      chat.setAttributes({
        'gen_ai.response.model': `${snapshot.model}-2024-07-18`,
        'gen_ai.response.finish_reasons': ['stop'],
      });
      chat.addEvent(
        'gen_ai.evaluation.result',
        {
          'gen_ai.evaluation.name': 'routing_accuracy',
          'gen_ai.evaluation.score.value': correct ? 1 : 0,
          'gen_ai.evaluation.score.label': correct ? 'correct' : 'misrouted',
          'gen_ai.evaluation.explanation': `expected ${ticket.team}, routed to ${result.team}`,
        },
        hr(callEnd),
      );
      root.setAttributes({
        'triage.team': result.team,
        'triage.priority': result.priority,
        'http.response.status_code': 200,
      });
    }
    chat.end(hr(callEnd));
    root.end(hr(callEnd + 3));
    return result;
  }

  /** Sends every span created so far. */
  flush(): Promise<void> {
    return this.provider.forceFlush();
  }

  async close(): Promise<void> {
    this.prompts.close();
    await this.provider.shutdown();
  }
}

/** Epoch milliseconds as OpenTelemetry high-resolution time (a plain number before process start would be misread). */
function hr(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.floor((ms - seconds * 1000) * 1e6)];
}
