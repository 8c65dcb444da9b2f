import { randomBytes } from 'node:crypto';

/**
 * Rows for otel_traces as the collector writes them, for tests that place spans directly in the store (the
 * rollup materialized view fills llm_metrics_1m from them). Times are epoch milliseconds.
 */
export interface SpanSpec {
  time: number;
  environment: string;
  prompt: string;
  /** '' for a span without a version (to be inferred). */
  version?: string;
  model?: string;
  latencyMs?: number;
  error?: boolean;
  costUsd?: number | null;
  inputTokens?: number | null;
  outputTokens?: number | null;
  quality?: number | null;
  traceId?: string;
  spanId?: string;
}

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** ClickHouse DateTime64(9) text for epoch ms. */
export function nanoTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export function generationSpan(spec: SpanSpec): Record<string, unknown> {
  const latencyMs = spec.latencyMs ?? 500;
  return {
    Timestamp: nanoTime(spec.time),
    TraceId: spec.traceId ?? hex(16),
    SpanId: spec.spanId ?? hex(8),
    ParentSpanId: '',
    SpanName: `chat ${spec.model ?? 'gpt-4o-mini'}`,
    SpanKind: 'Client',
    ServiceName: 'test-app',
    Duration: Math.round(latencyMs * 1e6),
    StatusCode: spec.error ? 'Error' : 'Unset',
    Environment: spec.environment,
    PromptName: spec.prompt,
    PromptVersion: spec.version ?? '',
    Model: spec.model ?? 'gpt-4o-mini',
    Operation: 'chat',
    IsGeneration: 1,
    InputTokens: spec.inputTokens === undefined ? 100 : spec.inputTokens,
    OutputTokens: spec.outputTokens === undefined ? 50 : spec.outputTokens,
    CostUsd: spec.costUsd === undefined ? 0.001 : spec.costUsd,
    Quality: spec.quality === undefined ? null : spec.quality,
    IsError: spec.error ? 1 : 0,
  };
}

/** A deployment_events row as the registry writes it. */
export function deploymentEvent(spec: {
  time: number;
  environment: string;
  prompt: string;
  version: number;
  previousVersion?: number | null;
  kind?: string;
  canaryPercent?: number | null;
  id?: string;
}): Record<string, unknown> {
  return {
    id: spec.id ?? `dep_${hex(8)}`,
    time: nanoTime(spec.time),
    environment: spec.environment,
    prompt: spec.prompt,
    version: spec.version,
    previous_version: spec.previousVersion ?? null,
    kind: spec.kind ?? 'deploy',
    canary_percent: spec.canaryPercent ?? null,
    actor: 'test',
    reason: 'test',
    recorded_at: nanoTime(spec.time),
  };
}
