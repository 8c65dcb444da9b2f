import type { LlmFields } from '../normalize/llm-fields.js';
import type { Attributes, Scope, Span } from '../otlp/span.js';

/**
 * One row of `otel_traces` as the OpenTelemetry Collector's ClickHouse exporter writes it, plus the normalised
 * LLM columns. Times are strings of integer nanoseconds, which ClickHouse reads exactly into DateTime64(9)
 * (a JSON number would lose precision beyond 2^53).
 */
export interface SpanRow {
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  ResourceAttributes: Attributes;
  ScopeName: string;
  ScopeVersion: string;
  SpanAttributes: Attributes;
  Duration: number;
  StatusCode: string;
  StatusMessage: string;
  'Events.Timestamp': string[];
  'Events.Name': string[];
  'Events.Attributes': Attributes[];
  'Links.TraceId': string[];
  'Links.SpanId': string[];
  'Links.TraceState': string[];
  'Links.Attributes': Attributes[];
  Environment: string;
  PromptName: string;
  PromptVersion: string;
  Model: string;
  Provider: string;
  Operation: string;
  IsGeneration: 0 | 1;
  InputTokens: number | null;
  OutputTokens: number | null;
  CachedInputTokens: number | null;
  CostUsd: number | null;
  Quality: number | null;
  IsError: 0 | 1;
}

export function spanRow(resource: Attributes, scope: Scope, span: Span, llm: LlmFields): SpanRow {
  return {
    Timestamp: span.startTimeUnixNano.toString(),
    TraceId: span.traceId,
    SpanId: span.spanId,
    ParentSpanId: span.parentSpanId,
    TraceState: span.traceState,
    SpanName: span.name,
    SpanKind: span.kind,
    ServiceName: resource['service.name'] ?? '',
    ResourceAttributes: resource,
    ScopeName: scope.name,
    ScopeVersion: scope.version,
    SpanAttributes: span.attributes,
    Duration: Number(span.endTimeUnixNano - span.startTimeUnixNano),
    StatusCode: span.statusCode,
    StatusMessage: span.statusMessage,
    'Events.Timestamp': span.events.map((e) => e.timeUnixNano.toString()),
    'Events.Name': span.events.map((e) => e.name),
    'Events.Attributes': span.events.map((e) => e.attributes),
    'Links.TraceId': span.links.map((l) => l.traceId),
    'Links.SpanId': span.links.map((l) => l.spanId),
    'Links.TraceState': span.links.map((l) => l.traceState),
    'Links.Attributes': span.links.map((l) => l.attributes),
    Environment: llm.environment,
    PromptName: llm.promptName,
    PromptVersion: llm.promptVersion,
    Model: llm.model,
    Provider: llm.provider,
    Operation: llm.operation,
    IsGeneration: llm.isGeneration ? 1 : 0,
    InputTokens: llm.inputTokens,
    OutputTokens: llm.outputTokens,
    CachedInputTokens: llm.cachedInputTokens,
    CostUsd: llm.costUsd,
    Quality: llm.quality,
    IsError: llm.isError ? 1 : 0,
  };
}
