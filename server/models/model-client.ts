import { costOfTokens, type PriceTable } from '../../collector/pricing/price-table.js';
import type { Config } from '../config.js';
import { connectionSecret } from '../connections/connection-secret.js';
import type { Connection } from '../connections/connection-table.js';
import type { Logger } from '../log.js';
import { AddressPolicy } from '../outbound/address-policy.js';
import { postGuarded, type OutboundResponse } from '../outbound/outbound-post.js';
import { OutboundRefusedError } from '../outbound/outbound-target.js';
import { newSpanId, newTraceId, spanExport, type SpanSink } from '../telemetry/otlp-json.js';
import { callSpan, type CallContext } from './call-span.js';
import { errorFromStatus, ModelCallError, redact } from './model-errors.js';
import { anthropicMessages } from './providers/anthropic-messages.js';
import { openaiChat } from './providers/openai-chat.js';
import type { ModelRequest, Provider, ProviderAnswer } from './providers/provider.js';
import { ConnectionLimiter, sleep } from './rate-limiter.js';
import { retryAfterMs, retryDelayMs, type RetryPolicy } from './retry-policy.js';

export type { CallContext } from './call-span.js';
export type { ModelRequest } from './providers/provider.js';

export interface ModelResult {
  text: string;
  responseModel: string;
  finishReason: string;
  usage: { inputTokens: number | null; outputTokens: number | null; cachedInputTokens: number | null };
  /** From the price table; null when the model is not in it. */
  costUsd: number | null;
  latencyMs: number;
  attempts: number;
  traceId: string;
  spanId: string;
}

/**
 * The one place Tracelane calls a model, through the outbound guard (server/outbound: the base URL's addresses are
 * checked on every request, OUTBOUND_ALLOWED_NETWORKS opens internal ones such as a local vLLM). Per call: the connection's secret, its concurrency slot and request rate,
 * a timeout per attempt, retries with backoff on retryable failures (honouring Retry-After), tokens and cost, and a
 * GenAI span into otel_traces (environment `evaluation`). Failures are ModelCallError.
 */
export interface ModelClient {
  complete(connection: Connection, request: ModelRequest, context?: CallContext): Promise<ModelResult>;
  describeError(err: unknown): { kind: string; message: string; status: number | null; retryable: boolean };
}

const PROVIDERS: Record<Connection['kind'], Provider> = { openai: openaiChat, anthropic: anthropicMessages };
/** Answers larger than this are refused as malformed (a chat completion is far smaller). */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export interface ModelClientDeps {
  config: Pick<
    Config,
    | 'CONNECTION_SECRET_KEY'
    | 'MODEL_RETRY_BASE_MS'
    | 'MODEL_RETRY_MAX_MS'
    | 'MODEL_RETRY_AFTER_MAX_MS'
    | 'OUTBOUND_ALLOWED_NETWORKS'
  >;
  prices: PriceTable;
  spans: SpanSink;
  log: Logger;
}

export function createModelClient({ config, prices, spans, log }: ModelClientDeps): ModelClient {
  const limiters = new Map<string, ConnectionLimiter>();
  const outbound = new AddressPolicy(config.OUTBOUND_ALLOWED_NETWORKS);
  const policy: RetryPolicy = {
    baseMs: config.MODEL_RETRY_BASE_MS,
    maxMs: config.MODEL_RETRY_MAX_MS,
    retryAfterMaxMs: config.MODEL_RETRY_AFTER_MAX_MS,
  };

  const cost = (answer: ProviderAnswer, model: string) => {
    const price = (answer.responseModel && prices.lookup(answer.responseModel)) || prices.lookup(model);
    return price ? costOfTokens(price, { ...answer, cacheWriteTokens: null }) : null;
  };

  async function complete(connection: Connection, request: ModelRequest, context: CallContext = {}) {
    const provider = PROVIDERS[connection.kind];
    const ids = { traceId: context.trace?.traceId ?? newTraceId(), spanId: newSpanId() };
    const startMs = Date.now();
    let attempts = 0;
    let secret = '';
    const record = (answer?: ProviderAnswer, costUsd?: number | null, error?: ModelCallError) => {
      const span = callSpan({
        ids,
        connection,
        provider: provider.name,
        request,
        context,
        startMs,
        endMs: Date.now(),
        attempts,
        answer,
        costUsd,
        error,
      });
      spans(spanExport([span])).catch((err: unknown) =>
        log.warn('could not store the span of a model call', { connection: connection.name, error: String(err) }),
      );
    };
    const fail = (error: ModelCallError): never => {
      log.warn('model call failed', {
        connection: connection.name,
        kind: error.kind,
        status: error.status,
        attempts,
        error: error.message,
      });
      record(undefined, undefined, error);
      throw error;
    };
    try {
      secret = connectionSecret(connection, config.CONNECTION_SECRET_KEY);
    } catch (err) {
      return fail(new ModelCallError('configuration', (err as Error).message, false));
    }
    const limiter = limiters.get(connection.name) ?? new ConnectionLimiter();
    limiters.set(connection.name, limiter);
    let release: (() => void) | undefined;
    try {
      release = await limiter.slot(connection, context.signal);
      for (;;) {
        attempts++;
        try {
          await limiter.request(connection, context.signal);
          const answer = await attempt(provider, connection, secret, request, context.signal, outbound);
          const costUsd = cost(answer, request.model);
          record(answer, costUsd);
          return {
            text: answer.text,
            responseModel: answer.responseModel,
            finishReason: answer.finishReason,
            usage: {
              inputTokens: answer.inputTokens,
              outputTokens: answer.outputTokens,
              cachedInputTokens: answer.cachedInputTokens,
            },
            costUsd,
            latencyMs: Date.now() - startMs,
            attempts,
            ...ids,
          };
        } catch (err) {
          const error = asModelError(err, secret, context.signal);
          const delay =
            error.retryable && attempts <= connection.maxRetries
              ? retryDelayMs(attempts, error.retryAfterMs, policy)
              : undefined;
          if (delay === undefined) return fail(error);
          await sleep(delay, context.signal);
        }
      }
    } catch (err) {
      if (err instanceof ModelCallError) throw err;
      return fail(asModelError(err, secret, context.signal));
    } finally {
      release?.();
    }
  }

  return {
    complete,
    describeError: (err) => {
      const e = err instanceof ModelCallError ? err : asModelError(err, '', undefined);
      return { kind: e.kind, message: e.message, status: e.status ?? null, retryable: e.retryable };
    },
  };
}

/** One HTTP attempt: the request, the timeout, and the answer read and classified. */
async function attempt(
  provider: Provider,
  connection: Connection,
  secret: string,
  request: ModelRequest,
  signal: AbortSignal | undefined,
  policy: AddressPolicy,
): Promise<ProviderAnswer> {
  const call = provider.httpCall(connection.baseUrl, secret, request);
  let response: OutboundResponse;
  try {
    response = await postGuarded(
      {
        url: call.url,
        headers: { 'Content-Type': 'application/json', ...call.headers },
        body: JSON.stringify(call.body),
        timeoutMs: connection.timeoutMs,
        signal: signal ?? new AbortController().signal,
      },
      policy,
      { excerptBytes: MAX_ANSWER_BYTES + 1 },
    );
  } catch (err) {
    if (signal?.aborted) throw new ModelCallError('cancelled', 'the call was cancelled', false);
    if (err instanceof OutboundRefusedError) {
      throw new ModelCallError('configuration', `baseUrl refused: ${err.message}`, false);
    }
    if (err instanceof DOMException && err.name === 'TimeoutError') {
      throw new ModelCallError('timeout', `no answer within ${connection.timeoutMs} ms`, true);
    }
    const e = err as { code?: string; message?: string };
    throw new ModelCallError('network', `cannot reach the provider: ${e.code ?? e.message ?? String(err)}`, true);
  }
  const text = response.excerpt;
  if (text.length > MAX_ANSWER_BYTES) throw new ModelCallError('malformed_response', 'the answer is too large', false);
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (response.status < 200 || response.status > 299) {
    const { message, code } = provider.errorDetails(json);
    throw errorFromStatus(
      response.status,
      response.headers,
      message.slice(0, 500),
      code,
      retryAfterMs(response.headers),
    );
  }
  if (json === undefined)
    throw new ModelCallError('malformed_response', 'malformed answer from the provider: not JSON', false);
  return provider.parseAnswer(json);
}

/** Any failure as a ModelCallError whose message cannot carry the secret. */
function asModelError(err: unknown, secret: string, signal: AbortSignal | undefined): ModelCallError {
  if (signal?.aborted) return new ModelCallError('cancelled', 'the call was cancelled', false);
  if (err instanceof ModelCallError) {
    const message = redact(err.message, secret);
    return message === err.message
      ? err
      : new ModelCallError(err.kind, message, err.retryable, err.status, err.retryAfterMs);
  }
  return new ModelCallError('network', redact(err instanceof Error ? err.message : String(err), secret), true);
}
