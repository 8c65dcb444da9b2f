import type { LlmFields } from '../normalize/llm-fields.js';
import type { Column } from '../../server/store/store.js';
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
  RequestModel: string;
  ResponseModel: string;
  CacheWriteTokens: number | null;
  ReasoningTokens: number | null;
  TimeToFirstTokenMs: number | null;
}

/** Every column of a SpanRow with its type, so the store can ship batches in binary (Store.insert's `columns`). */
export const SPAN_COLUMNS: readonly Column[] = [
  { name: 'Timestamp', type: 'DateTime64(9)' },
  { name: 'TraceId', type: 'String' },
  { name: 'SpanId', type: 'String' },
  { name: 'ParentSpanId', type: 'String' },
  { name: 'TraceState', type: 'String' },
  { name: 'SpanName', type: 'String' },
  { name: 'SpanKind', type: 'String' },
  { name: 'ServiceName', type: 'String' },
  { name: 'ResourceAttributes', type: 'Map(String, String)' },
  { name: 'ScopeName', type: 'String' },
  { name: 'ScopeVersion', type: 'String' },
  { name: 'SpanAttributes', type: 'Map(String, String)' },
  { name: 'Duration', type: 'UInt64' },
  { name: 'StatusCode', type: 'String' },
  { name: 'StatusMessage', type: 'String' },
  { name: 'Events.Timestamp', type: 'Array(DateTime64(9))' },
  { name: 'Events.Name', type: 'Array(String)' },
  { name: 'Events.Attributes', type: 'Array(Map(String, String))' },
  { name: 'Links.TraceId', type: 'Array(String)' },
  { name: 'Links.SpanId', type: 'Array(String)' },
  { name: 'Links.TraceState', type: 'Array(String)' },
  { name: 'Links.Attributes', type: 'Array(Map(String, String))' },
  { name: 'Environment', type: 'String' },
  { name: 'PromptName', type: 'String' },
  { name: 'PromptVersion', type: 'String' },
  { name: 'Model', type: 'String' },
  { name: 'Provider', type: 'String' },
  { name: 'Operation', type: 'String' },
  { name: 'IsGeneration', type: 'UInt8' },
  { name: 'InputTokens', type: 'Nullable(UInt64)' },
  { name: 'OutputTokens', type: 'Nullable(UInt64)' },
  { name: 'CachedInputTokens', type: 'Nullable(UInt64)' },
  { name: 'CostUsd', type: 'Nullable(Float64)' },
  { name: 'Quality', type: 'Nullable(Float64)' },
  { name: 'IsError', type: 'UInt8' },
  { name: 'RequestModel', type: 'String' },
  { name: 'ResponseModel', type: 'String' },
  { name: 'CacheWriteTokens', type: 'Nullable(UInt64)' },
  { name: 'ReasoningTokens', type: 'Nullable(UInt64)' },
  { name: 'TimeToFirstTokenMs', type: 'Nullable(Float64)' },
];

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
    RequestModel: llm.requestModel,
    ResponseModel: llm.responseModel,
    CacheWriteTokens: llm.cacheWriteTokens,
    ReasoningTokens: llm.reasoningTokens,
    TimeToFirstTokenMs: llm.timeToFirstTokenMs,
  };
}
