import type { Store } from '../store/store.js';
import { SYSTEM_PROMPT_SQL } from './system-prompt-sql.js';

/** Spans of one claimed prompt version in one environment that captured the same system prompt. */
export interface CapturedPromptGroup {
  environment: string;
  prompt: string;
  version: string;
  /** Hash of the captured system prompt (hex). */
  hash: string;
  text: string;
  spans: number;
  first: string;
  last: string;
  traceId: string;
  spanId: string;
  model: string;
}

/** Most distinct captured prompts read per scan (the most frequent first). */
const MAX_GROUPS = 2000;

const SQL = `
  SELECT Environment AS environment, PromptName AS prompt, PromptVersion AS version, hex(cityHash64(sys)) AS hash,
    any(sys) AS text, count() AS spans, min(Timestamp) AS first, max(Timestamp) AS last,
    argMin(TraceId, Timestamp) AS traceId, argMin(SpanId, Timestamp) AS spanId, argMin(Model, Timestamp) AS model
  FROM (
    SELECT Environment, PromptName, PromptVersion, Timestamp, TraceId, SpanId, Model, ${SYSTEM_PROMPT_SQL} AS sys
    FROM otel_traces
    WHERE Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp < fromUnixTimestamp64Milli({to:Int64})
      AND IsGeneration = 1 AND PromptName != '' AND PromptVersion != '' AND VersionInferred = 0
  )
  WHERE sys != ''
  GROUP BY environment, prompt, version, hash
  ORDER BY spans DESC
  LIMIT {limit:UInt32}`;

/**
 * The system prompts captured by generations that name their prompt version (not inferred ones), grouped by text,
 * over [from, to). Grouping happens in ClickHouse; only distinct texts come back.
 */
export function queryCapturedPrompts(store: Store, from: number, to: number): Promise<CapturedPromptGroup[]> {
  return store.query<CapturedPromptGroup>(SQL, { from, to, limit: MAX_GROUPS });
}
