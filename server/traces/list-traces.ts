import type { Params, Store } from '../store/store.js';
import { attributeCondition } from './attribute-filter.js';
import { encodeCursor } from './cursor.js';
import { limitSettings, withinLimits, type SearchLimits } from './search-limits.js';
import { likePattern, SEARCH_TEXT } from './text-search.js';
import type { TraceListQuery } from './trace-list-query.js';

/**
 * One row of the trace list: the trace's shape plus what its generation spans say about prompt, model and cost.
 * A summary is bounded whatever the spans hold: names and labels at most SUMMARY_TEXT_MAX characters (longer ones
 * end in "…"), at most SUMMARY_LIST_MAX environments, prompts and models. The full text comes with the one trace.
 */
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

export const SUMMARY_TEXT_MAX = 200;
export const SUMMARY_LIST_MAX = 20;

interface Row extends Omit<TraceSummary, 'hasError' | 'prompts'> {
  hasError: number;
  prompts: [string, string][];
}

/** A string column cut to SUMMARY_TEXT_MAX characters before it is aggregated, marked with "…" when cut. */
const bounded = (column: string) =>
  `if(lengthUTF8(${column}) > ${SUMMARY_TEXT_MAX}, leftUTF8(${column}, ${SUMMARY_TEXT_MAX - 1}) || '…', ${column})`;

/** The span-level conditions of the query (one span of a trace must meet them all), values added to `params`. */
function spanConditions(q: TraceListQuery, params: Params): string[] {
  const conditions: string[] = [];
  const equals = (value: string | undefined, column: string, name: string) => {
    if (value === undefined) return;
    params[name] = value;
    conditions.push(`${column} = {${name}:String}`);
  };
  equals(q.environment, 'Environment', 'environment');
  equals(q.prompt, 'PromptName', 'prompt');
  equals(q.version, 'PromptVersion', 'version');
  equals(q.model, 'Model', 'model');
  q.attributes.forEach((filter, i) => conditions.push(attributeCondition(filter, i, params)));
  if (q.text !== undefined) {
    params.textPattern = likePattern(q.text);
    conditions.push(`${SEARCH_TEXT} LIKE {textPattern:String}`);
  }
  return conditions;
}

/** The trace-level conditions (status, duration, cost, the cursor), on the aggregated row. */
function traceConditions(q: TraceListQuery, params: Params): string[] {
  const having: string[] = [];
  if (q.status) having.push(q.status === 'error' ? 'hasError = 1' : 'hasError = 0');
  const bound = (value: number | undefined, name: string, condition: string, scale = 1) => {
    if (value === undefined) return;
    params[name] = scale === 1 ? value : Math.round(value * scale);
    having.push(condition);
  };
  bound(q.minDurationMs, 'minDurationNs', 'durationNs >= {minDurationNs:Int64}', 1e6);
  bound(q.maxDurationMs, 'maxDurationNs', 'durationNs <= {maxDurationNs:Int64}', 1e6);
  bound(q.minCostUsd, 'minCost', 'ifNull(costUsd, 0) >= {minCost:Float64}');
  bound(q.maxCostUsd, 'maxCost', 'ifNull(costUsd, 0) <= {maxCost:Float64}');
  if (q.cursor) {
    params.cursorStart = q.cursor.startNs;
    params.cursorTrace = q.cursor.traceId;
    having.push(
      '(startTime < fromUnixTimestamp64Nano({cursorStart:Int64}) OR ' +
        '(startTime = fromUnixTimestamp64Nano({cursorStart:Int64}) AND traceId < {cursorTrace:String}))',
    );
  }
  return having;
}

/**
 * Traces with a span in the time window, newest first, keyset-paginated on (start, traceId). A trace matches when
 * one of its spans in the window meets every span condition (environment, prompt, version, model, attributes,
 * text); status, duration and cost filter the trace as a whole. Aggregates cover the trace's spans inside the
 * window. The query runs within `limits` (time and rows read).
 */
export async function listTraces(store: Store, q: TraceListQuery, limits: SearchLimits): Promise<TracePage> {
  const params: Params = { from: q.from, to: q.to, limit: q.limit + 1 };
  const window =
    'Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp < fromUnixTimestamp64Milli({to:Int64})';
  const spanFilters = spanConditions(q, params);
  const having = traceConditions(q, params);
  const sql = `SELECT
       TraceId AS traceId,
       if(countIf(ParentSpanId = '') > 0, argMinIf(${bounded('SpanName')}, Timestamp, ParentSpanId = ''), argMin(${bounded('SpanName')}, Timestamp)) AS rootSpanName,
       if(countIf(ParentSpanId = '') > 0, argMinIf(${bounded('ServiceName')}, Timestamp, ParentSpanId = ''), argMin(${bounded('ServiceName')}, Timestamp)) AS serviceName,
       min(Timestamp) AS startTime,
       startTime AS start,
       toString(toUnixTimestamp64Nano(startTime)) AS startUnixNano,
       max(toUnixTimestamp64Nano(Timestamp) + toInt64(Duration)) - toUnixTimestamp64Nano(startTime) AS durationNs,
       durationNs / 1e6 AS durationMs,
       count() AS spanCount,
       countIf(IsGeneration = 1) AS generationCount,
       max(IsError) AS hasError,
       arraySort(groupUniqArrayIf(${SUMMARY_LIST_MAX})(${bounded('Environment')}, Environment != '')) AS environments,
       arraySort(groupUniqArrayIf(${SUMMARY_LIST_MAX})((${bounded('PromptName')}, ${bounded('PromptVersion')}), PromptName != '')) AS prompts,
       arraySort(groupUniqArrayIf(${SUMMARY_LIST_MAX})(${bounded('Model')}, Model != '' AND IsGeneration = 1)) AS models,
       sumIf(InputTokens, IsGeneration = 1) AS inputTokens,
       sumIf(OutputTokens, IsGeneration = 1) AS outputTokens,
       sumIf(CostUsd, IsGeneration = 1) AS costUsd
     FROM otel_traces
     WHERE ${window}
       ${spanFilters.length > 0 ? `AND TraceId IN (SELECT TraceId FROM otel_traces WHERE ${window} AND ${spanFilters.join(' AND ')})` : ''}
     GROUP BY TraceId
     ${having.length > 0 ? `HAVING ${having.join(' AND ')}` : ''}
     ORDER BY startTime DESC, traceId DESC
     LIMIT {limit:UInt32}
     ${limitSettings(limits)}`;
  const rows = await withinLimits(limits, () => store.query<Row>(sql, params));
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
