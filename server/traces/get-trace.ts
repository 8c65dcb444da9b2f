import type { LlmFields } from '../../collector/normalize/llm-fields.js';
import { spanLogEvents } from '../span-events/span-log-events-query.js';
import type { Store } from '../store/store.js';

/** One span of a trace as the API returns it: OTLP fields, attributes, events, links and the normalised fields. */
export interface TraceSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: string;
  serviceName: string;
  scope: { name: string; version: string };
  start: string;
  startUnixNano: string;
  durationNs: number;
  durationMs: number;
  status: { code: string; message: string };
  attributes: Record<string, string>;
  resourceAttributes: Record<string, string>;
  /** The span's own events, then the GenAI events received as log records tied to it (`source: 'log'`). */
  events: {
    time: string;
    timeUnixNano: string;
    name: string;
    attributes: Record<string, string>;
    source: 'span' | 'log';
  }[];
  links: { traceId: string; spanId: string; traceState: string; attributes: Record<string, string> }[];
  /** The collector's normalised columns, plus whether the version was inferred from the deployment history. */
  llm: LlmFields & { versionInferred: boolean };
}

export interface Trace {
  traceId: string;
  spans: TraceSpan[];
  /** True when the trace has more spans than the API returns (MAX_SPANS). */
  truncated: boolean;
}

export const MAX_SPANS = 10_000;

interface Bounds {
  spans: number;
  startNs: string;
  endNs: string;
}

/**
 * Every span of one trace, in start order, or undefined when the trace is unknown. The trace-id lookup table gives
 * the time range to scan, so the span table is read only in the partitions that hold the trace. GenAI events that
 * arrived as log records are joined to their spans here, whichever arrived first.
 */
export async function getTrace(store: Store, traceId: string): Promise<Trace | undefined> {
  const [bounds] = await store.query<Bounds>(
    `SELECT count() AS spans, toString(toUnixTimestamp64Nano(min(Start))) AS startNs,
            toString(toUnixTimestamp64Nano(max(End))) AS endNs
     FROM otel_traces_trace_id_ts WHERE TraceId = {traceId:String}`,
    { traceId },
  );
  if (!bounds || bounds.spans === 0) return undefined;
  const [rows, logEvents] = await Promise.all([
    store.query<Row>(
      `SELECT TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, ScopeName, ScopeVersion,
            Timestamp, toString(toUnixTimestamp64Nano(Timestamp)) AS StartUnixNano, Duration, StatusCode, StatusMessage,
            SpanAttributes, ResourceAttributes,
            Events.Timestamp AS EventTimes, arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS EventNanos,
            Events.Name AS EventNames, Events.Attributes AS EventAttributes,
            Links.TraceId AS LinkTraceIds, Links.SpanId AS LinkSpanIds, Links.TraceState AS LinkTraceStates,
            Links.Attributes AS LinkAttributes,
            Environment, PromptName, PromptVersion, VersionInferred, Model, Provider, Operation, IsGeneration,
            InputTokens, OutputTokens, CachedInputTokens, CostUsd, Quality, IsError,
            RequestModel, ResponseModel, CacheWriteTokens, ReasoningTokens, TimeToFirstTokenMs
     FROM otel_traces
     WHERE TraceId = {traceId:String}
       AND Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
     ORDER BY Timestamp, SpanId
     LIMIT {limit:UInt32}`,
      { traceId, startNs: bounds.startNs, endNs: bounds.endNs, limit: MAX_SPANS + 1 },
    ),
    spanLogEvents(store, traceId),
  ]);
  if (rows.length === 0) return undefined;
  const spans = rows.slice(0, MAX_SPANS).map(toSpan);
  for (const span of spans) span.events.push(...(logEvents.get(span.spanId) ?? []));
  return { traceId, spans, truncated: rows.length > MAX_SPANS };
}

interface Row {
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  ScopeName: string;
  ScopeVersion: string;
  Timestamp: string;
  StartUnixNano: string;
  Duration: number;
  StatusCode: string;
  StatusMessage: string;
  SpanAttributes: Record<string, string>;
  ResourceAttributes: Record<string, string>;
  EventTimes: string[];
  EventNanos: string[];
  EventNames: string[];
  EventAttributes: Record<string, string>[];
  LinkTraceIds: string[];
  LinkSpanIds: string[];
  LinkTraceStates: string[];
  LinkAttributes: Record<string, string>[];
  Environment: string;
  PromptName: string;
  PromptVersion: string;
  VersionInferred: number;
  Model: string;
  Provider: string;
  Operation: string;
  IsGeneration: number;
  InputTokens: number | null;
  OutputTokens: number | null;
  CachedInputTokens: number | null;
  CostUsd: number | null;
  Quality: number | null;
  IsError: number;
  RequestModel: string;
  ResponseModel: string;
  CacheWriteTokens: number | null;
  ReasoningTokens: number | null;
  TimeToFirstTokenMs: number | null;
}

function toSpan(r: Row): TraceSpan {
  return {
    traceId: r.TraceId,
    spanId: r.SpanId,
    parentSpanId: r.ParentSpanId,
    traceState: r.TraceState,
    name: r.SpanName,
    kind: r.SpanKind,
    serviceName: r.ServiceName,
    scope: { name: r.ScopeName, version: r.ScopeVersion },
    start: r.Timestamp,
    startUnixNano: r.StartUnixNano,
    durationNs: r.Duration,
    durationMs: r.Duration / 1e6,
    status: { code: r.StatusCode, message: r.StatusMessage },
    attributes: r.SpanAttributes,
    resourceAttributes: r.ResourceAttributes,
    events: r.EventNames.map((name, i) => ({
      time: r.EventTimes[i] ?? '',
      timeUnixNano: r.EventNanos[i] ?? '',
      name,
      attributes: r.EventAttributes[i] ?? {},
      source: 'span' as const,
    })),
    links: r.LinkTraceIds.map((traceId, i) => ({
      traceId,
      spanId: r.LinkSpanIds[i] ?? '',
      traceState: r.LinkTraceStates[i] ?? '',
      attributes: r.LinkAttributes[i] ?? {},
    })),
    llm: {
      environment: r.Environment,
      promptName: r.PromptName,
      promptVersion: r.PromptVersion,
      versionInferred: r.VersionInferred === 1,
      model: r.Model,
      requestModel: r.RequestModel,
      responseModel: r.ResponseModel,
      provider: r.Provider,
      operation: r.Operation,
      isGeneration: r.IsGeneration === 1,
      inputTokens: r.InputTokens,
      outputTokens: r.OutputTokens,
      cachedInputTokens: r.CachedInputTokens,
      cacheWriteTokens: r.CacheWriteTokens,
      reasoningTokens: r.ReasoningTokens,
      timeToFirstTokenMs: r.TimeToFirstTokenMs,
      costUsd: r.CostUsd,
      quality: r.Quality,
      isError: r.IsError === 1,
    },
  };
}
