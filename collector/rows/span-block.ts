import { NativeWriter, writeMaps } from '../../server/store/native-format.js';
import type { LlmFields } from '../normalize/llm-fields.js';
import type { Attributes, Scope, Span } from '../otlp/span.js';
import { SPAN_COLUMNS, type SpanRow } from './span-row.js';

/** One accepted span with what its row needs besides itself. */
interface Entry {
  resource: Attributes;
  scope: Scope;
  span: Span;
  llm: LlmFields;
}

/** Blocks are written into one growing buffer per thread, then copied out at their exact size. */
const scratch = new NativeWriter(1 << 20);

type ColumnWriter = (out: NativeWriter, entries: readonly Entry[]) => void;

/**
 * The spans of one request as one block of ClickHouse's Native format, written column by column straight from the
 * decoded spans — the same bytes as `encodeNative(SPAN_COLUMNS, rows.map(spanRow))`, without building a row object
 * per span or looking values up by column name (the collector's hot path; test/collector/unit checks the equality).
 */
export class SpanBlock {
  private readonly entries: Entry[] = [];

  get length(): number {
    return this.entries.length;
  }

  add(resource: Attributes, scope: Scope, span: Span, llm: LlmFields): void {
    this.entries.push({ resource, scope, span, llm });
  }

  /** The block, in a buffer of its own (so that it can be transferred to another thread). */
  encode(): Uint8Array {
    const out = scratch;
    out.reset();
    out.blockHeader(SPAN_COLUMNS.length, this.entries.length);
    for (const column of SPAN_COLUMNS) {
      out.columnHeader(column);
      WRITERS[column.name as keyof SpanRow](out, this.entries);
    }
    return new Uint8Array(out.finish());
  }
}

const strings =
  (value: (e: Entry) => string): ColumnWriter =>
  (out, entries) => {
    for (const e of entries) out.string(value(e));
  };

const flags =
  (value: (llm: LlmFields) => boolean): ColumnWriter =>
  (out, entries) => {
    for (const e of entries) out.uint8(value(e.llm) ? 1 : 0);
  };

const nullableCounts =
  (value: (llm: LlmFields) => number | null): ColumnWriter =>
  (out, entries) => {
    for (const e of entries) out.uint8(value(e.llm) === null ? 1 : 0);
    for (const e of entries) out.uint64(value(e.llm) ?? 0);
  };

const nullableAmounts =
  (value: (llm: LlmFields) => number | null): ColumnWriter =>
  (out, entries) => {
    for (const e of entries) out.uint8(value(e.llm) === null ? 1 : 0);
    for (const e of entries) out.float64(value(e.llm) ?? 0);
  };

/** An Array(…) column over each span's events or links: cumulative offsets, then every item of every row. */
const arrays =
  <I, T>(items: (span: Span) => readonly I[], value: (item: I) => T, write: (out: NativeWriter, all: T[]) => void) =>
  (out: NativeWriter, entries: readonly Entry[]): void => {
    const all: T[] = [];
    for (const e of entries) {
      for (const item of items(e.span)) all.push(value(item));
      out.uint64(all.length);
    }
    write(out, all);
  };

const events = (span: Span) => span.events;
const links = (span: Span) => span.links;
const eachString = (out: NativeWriter, all: string[]) => {
  for (const s of all) out.string(s);
};
const eachTime = (out: NativeWriter, all: bigint[]) => {
  for (const t of all) out.bigInt64(t);
};

const WRITERS: Record<keyof SpanRow, ColumnWriter> = {
  Timestamp: (out, entries) => {
    for (const e of entries) out.bigInt64(e.span.startTimeUnixNano);
  },
  TraceId: strings((e) => e.span.traceId),
  SpanId: strings((e) => e.span.spanId),
  ParentSpanId: strings((e) => e.span.parentSpanId),
  TraceState: strings((e) => e.span.traceState),
  SpanName: strings((e) => e.span.name),
  SpanKind: strings((e) => e.span.kind),
  ServiceName: strings((e) => e.resource['service.name'] ?? ''),
  ResourceAttributes: (out, entries) =>
    writeMaps(
      out,
      entries.map((e) => e.resource),
    ),
  ScopeName: strings((e) => e.scope.name),
  ScopeVersion: strings((e) => e.scope.version),
  SpanAttributes: (out, entries) =>
    writeMaps(
      out,
      entries.map((e) => e.span.attributes),
    ),
  Duration: (out, entries) => {
    for (const { span } of entries) out.uint64(Number(span.endTimeUnixNano - span.startTimeUnixNano));
  },
  StatusCode: strings((e) => e.span.statusCode),
  StatusMessage: strings((e) => e.span.statusMessage),
  'Events.Timestamp': arrays(events, (event) => event.timeUnixNano, eachTime),
  'Events.Name': arrays(events, (event) => event.name, eachString),
  'Events.Attributes': arrays(events, (event) => event.attributes, writeMaps),
  'Links.TraceId': arrays(links, (link) => link.traceId, eachString),
  'Links.SpanId': arrays(links, (link) => link.spanId, eachString),
  'Links.TraceState': arrays(links, (link) => link.traceState, eachString),
  'Links.Attributes': arrays(links, (link) => link.attributes, writeMaps),
  Environment: strings((e) => e.llm.environment),
  PromptName: strings((e) => e.llm.promptName),
  PromptVersion: strings((e) => e.llm.promptVersion),
  Model: strings((e) => e.llm.model),
  Provider: strings((e) => e.llm.provider),
  Operation: strings((e) => e.llm.operation),
  IsGeneration: flags((llm) => llm.isGeneration),
  InputTokens: nullableCounts((llm) => llm.inputTokens),
  OutputTokens: nullableCounts((llm) => llm.outputTokens),
  CachedInputTokens: nullableCounts((llm) => llm.cachedInputTokens),
  CostUsd: nullableAmounts((llm) => llm.costUsd),
  Quality: nullableAmounts((llm) => llm.quality),
  IsError: flags((llm) => llm.isError),
  RequestModel: strings((e) => e.llm.requestModel),
  ResponseModel: strings((e) => e.llm.responseModel),
  CacheWriteTokens: nullableCounts((llm) => llm.cacheWriteTokens),
  ReasoningTokens: nullableCounts((llm) => llm.reasoningTokens),
  TimeToFirstTokenMs: nullableAmounts((llm) => llm.timeToFirstTokenMs),
};
