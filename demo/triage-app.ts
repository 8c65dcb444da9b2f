import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type HrTime, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resources } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { Prompt, Tracelane, type PromptVersion } from '../clients/typescript/src/index.js';
import { behaviourOf, complete, type Completion } from './simulated-model.js';
import type { Ticket } from './tickets.js';

/**
 * The demo application: a support-ticket triage service, deployed once per environment. For every ticket it asks
 * the (simulated) model to pick a team and a priority with the prompt version the registry says is live — through
 * the Tracelane client package, as any application would — and reports it the way any instrumented LLM application
 * would: OpenTelemetry spans over OTLP/HTTP with the GenAI conventions, tagged with the version served, and a
 * `gen_ai.evaluation.result` event saying whether the routing was right.
 *
 * Each environment is its own tracer provider because `deployment.environment.name` is a resource attribute
 * (two real deployments would be two processes). Times are explicit so that the history can be backfilled.
 */
export interface TriageServiceOptions {
  apiUrl: string;
  apiKey?: string;
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
  /** The service's runtime client: resolves the prompt, follows deployments, serves the last known version. */
  readonly tracelane: Tracelane;
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
    this.tracelane = new Tracelane({
      url: options.apiUrl,
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
      onChange: (change) => options.onVersionChange?.(change.environment, change.version),
    });
  }

  /** Starts the service: it resolves its prompt before taking tickets. */
  static async start(options: TriageServiceOptions): Promise<TriageService> {
    const service = new TriageService(options);
    await service.prompt();
    return service;
  }

  /** The prompt version to use now (from memory once resolved; kept fresh by the client). */
  prompt(): Promise<Prompt> {
    return this.tracelane.getPrompt(this.options.prompt, { environment: this.environment });
  }

  /** The version live at some past time, as the client would have served it then (the backfill replays history). */
  historic(version: PromptVersion): Prompt {
    const served = { name: version.prompt, environment: this.environment, arm: 'stable', status: 'fresh' } as const;
    return new Prompt({ ...served, confirmedAt: null }, version);
  }

  /** Serves one ticket that arrived at epoch-ms `at`, with the live prompt version. */
  async triage(ticket: Ticket, at: number): Promise<Completion> {
    return this.triageWith(await this.prompt(), ticket, at);
  }

  /** Serves one ticket with a given version. */
  triageWith(prompt: Prompt, ticket: Ticket, at: number): Completion {
    const result = complete(behaviourOf(prompt), ticket, this.options.random);
    const root = this.tracer.startSpan('POST /tickets/triage', {
      kind: SpanKind.SERVER,
      startTime: hr(at),
      attributes: { 'http.request.method': 'POST', 'http.route': '/tickets/triage', 'ticket.id': ticket.id },
    });
    const callStart = at + 2;
    const callEnd = callStart + result.latencyMs;
    const settings = prompt.settings as { temperature?: number; maxTokens?: number };
    const chat = this.tracer.startSpan(
      `chat ${prompt.model}`,
      {
        kind: SpanKind.CLIENT,
        startTime: hr(callStart),
        attributes: {
          ...prompt.attributes(), // the prompt, version, environment and canary arm really served
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': prompt.provider,
          'gen_ai.request.model': prompt.model,
          'gen_ai.request.temperature': settings.temperature ?? 0,
          'gen_ai.request.max_tokens': settings.maxTokens ?? 256,
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
        'gen_ai.response.model': `${prompt.model}-2024-07-18`,
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
    await this.tracelane.close();
    await this.provider.shutdown();
  }
}

/** Epoch milliseconds as OpenTelemetry high-resolution time (a plain number before process start would be misread). */
function hr(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.floor((ms - seconds * 1000) * 1e6)];
}
