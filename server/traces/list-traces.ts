import type { Params, Store } from '../store/store.js';
import { encodeCursor } from './cursor.js';
import type { TraceListQuery } from './trace-list-query.js';

/** One row of the trace list: the trace's shape plus what its generation spans say about prompt, model and cost. */
export interface TraceSummary {
  traceId: string;
  rootSpanName: string;
  serviceName: string;
  start: string;
  startUnixNano: string;
  durationMs: number;
  spanCount: number;
  generationCount: number;
  hasError: boolean;
  environments: string[];
  prompts: { name: string; version: string }[];
  models: string[];
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
}

export interface TracePage {
  traces: TraceSummary[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

interface Row extends Omit<TraceSummary, 'hasError' | 'prompts'> {
  hasError: number;
  prompts: [string, string][];
}

/**
 * Traces with a span in the time window, newest first, keyset-paginated on (start, traceId). A trace matches when
 * one of its spans in the window matches every span filter (environment, prompt, version, model); status and
 * duration filter the trace as a whole. Aggregates cover the trace's spans inside the window.
 */
export async function listTraces(store: Store, q: TraceListQuery): Promise<TracePage> {
  const params: Params = { from: q.from, to: q.to, limit: q.limit + 1 };
  const window =
    'Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp < fromUnixTimestamp64Milli({to:Int64})';
  const spanFilters: string[] = [];
  const addFilter = (value: string | undefined, column: string, name: string) => {
    if (value === undefined) return;
    params[name] = value;
    spanFilters.push(`${column} = {${name}:String}`);
  };
  addFilter(q.environment, 'Environment', 'environment');
  addFilter(q.prompt, 'PromptName', 'prompt');
  addFilter(q.version, 'PromptVersion', 'version');
  addFilter(q.model, 'Model', 'model');
  addFilter(q.arm, 'PromptArm', 'arm');

  const having: string[] = [];
  if (q.status) having.push(q.status === 'error' ? 'hasError = 1' : 'hasError = 0');
  if (q.minDurationMs !== undefined) {
    params.minDurationNs = Math.round(q.minDurationMs * 1e6);
    having.push('durationNs >= {minDurationNs:Int64}');
  }
  if (q.maxDurationMs !== undefined) {
    params.maxDurationNs = Math.round(q.maxDurationMs * 1e6);
    having.push('durationNs <= {maxDurationNs:Int64}');
  }
  if (q.cursor) {
    params.cursorStart = q.cursor.startNs;
    params.cursorTrace = q.cursor.traceId;
    having.push(
      '(startTime < fromUnixTimestamp64Nano({cursorStart:Int64}) OR ' +
        '(startTime = fromUnixTimestamp64Nano({cursorStart:Int64}) AND traceId < {cursorTrace:String}))',
    );
  }

  const rows = await store.query<Row>(
    `SELECT
       TraceId AS traceId,
       if(countIf(ParentSpanId = '') > 0, argMinIf(SpanName, Timestamp, ParentSpanId = ''), argMin(SpanName, Timestamp)) AS rootSpanName,
       if(countIf(ParentSpanId = '') > 0, argMinIf(ServiceName, Timestamp, ParentSpanId = ''), argMin(ServiceName, Timestamp)) AS serviceName,
       min(Timestamp) AS startTime,
       startTime AS start,
       toString(toUnixTimestamp64Nano(startTime)) AS startUnixNano,
       max(toUnixTimestamp64Nano(Timestamp) + toInt64(Duration)) - toUnixTimestamp64Nano(startTime) AS durationNs,
       durationNs / 1e6 AS durationMs,
       count() AS spanCount,
       countIf(IsGeneration = 1) AS generationCount,
       max(IsError) AS hasError,
       arraySort(groupUniqArrayIf(Environment, Environment != '')) AS environments,
       arraySort(groupUniqArrayIf((PromptName, PromptVersion), PromptName != '')) AS prompts,
       arraySort(groupUniqArrayIf(Model, Model != '' AND IsGeneration = 1)) AS models,
       sumIf(InputTokens, IsGeneration = 1) AS inputTokens,
       sumIf(OutputTokens, IsGeneration = 1) AS outputTokens,
       sumIf(CostUsd, IsGeneration = 1) AS costUsd
     FROM otel_traces
     WHERE ${window}
       ${spanFilters.length > 0 ? `AND TraceId IN (SELECT TraceId FROM otel_traces WHERE ${window} AND ${spanFilters.join(' AND ')})` : ''}
     GROUP BY TraceId
     ${having.length > 0 ? `HAVING ${having.join(' AND ')}` : ''}
     ORDER BY startTime DESC, traceId DESC
     LIMIT {limit:UInt32}`,
    params,
  );
  const page = rows.slice(0, q.limit).map(toSummary);
  const last = page[page.length - 1];
  return {
    traces: page,
    nextCursor:
      rows.length > q.limit && last ? encodeCursor({ startNs: last.startUnixNano, traceId: last.traceId }) : null,
  };
}

function toSummary(row: Row): TraceSummary {
  return {
    traceId: row.traceId,
    rootSpanName: row.rootSpanName,
    serviceName: row.serviceName,
    start: row.start,
    startUnixNano: row.startUnixNano,
    durationMs: row.durationMs,
    spanCount: row.spanCount,
    generationCount: row.generationCount,
    hasError: row.hasError === 1,
    environments: row.environments,
    prompts: row.prompts.map(([name, version]) => ({ name, version })),
    models: row.models,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    costUsd: row.costUsd,
  };
}
