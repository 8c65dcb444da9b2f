import type { Connection } from '../connections/connection-table.js';
import type { SpanSpec } from '../telemetry/otlp-json.js';
import type { ModelCallError } from './model-errors.js';
import type { ModelRequest, ProviderAnswer } from './providers/provider.js';

/** Who a call is made for: the trace it belongs to and the registry prompt it renders. */
export interface CallContext {
  signal?: AbortSignal;
  trace?: { traceId: string; parentSpanId: string };
  prompt?: { name: string; version: number };
  /** Extra span attributes (experiment run and item ids). */
  attributes?: Record<string, string>;
}

/** The GenAI client span of one model call (OpenTelemetry GenAI conventions), with the messages captured. */
export function callSpan(o: {
  ids: { traceId: string; spanId: string };
  connection: Connection;
  provider: string;
  request: ModelRequest;
  context: CallContext;
  startMs: number;
  endMs: number;
  attempts: number;
  answer?: ProviderAnswer;
  costUsd?: number | null;
  error?: ModelCallError;
}): SpanSpec {
  const { request, answer, context } = o;
  return {
    traceId: o.ids.traceId,
    spanId: o.ids.spanId,
    parentSpanId: context.trace?.parentSpanId,
    name: `chat ${request.model}`,
    kind: 'client',
    startMs: o.startMs,
    endMs: o.endMs,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': o.provider,
      'gen_ai.request.model': request.model,
      'gen_ai.request.temperature': request.settings.temperature,
      'gen_ai.request.max_tokens': request.settings.maxTokens,
      'gen_ai.response.model': answer?.responseModel || undefined,
      'gen_ai.response.finish_reasons': answer ? JSON.stringify([answer.finishReason]) : undefined,
      'gen_ai.usage.input_tokens': answer?.inputTokens ?? undefined,
      'gen_ai.usage.output_tokens': answer?.outputTokens ?? undefined,
      'gen_ai.usage.cache_read.input_tokens': answer?.cachedInputTokens ?? undefined,
      'gen_ai.usage.cost': o.costUsd ?? undefined,
      'gen_ai.prompt.name': context.prompt?.name,
      'gen_ai.prompt.version': context.prompt ? String(context.prompt.version) : undefined,
      'gen_ai.input.messages': JSON.stringify(request.messages),
      'gen_ai.output.messages': answer
        ? JSON.stringify([{ role: 'assistant', content: answer.text, finish_reason: answer.finishReason }])
        : undefined,
      'server.address': safeHost(o.connection.baseUrl),
      'tracelane.connection': o.connection.name,
      'tracelane.attempts': o.attempts,
      'error.type': o.error?.kind,
      'http.response.status_code': o.error?.status,
      ...context.attributes,
    },
    error: o.error?.message,
  };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
