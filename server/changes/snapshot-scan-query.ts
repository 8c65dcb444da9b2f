import type { Store } from '../store/store.js';

/** Generations of one requested model in one environment answered by one response model, in a scan window. */
export interface AnsweringModel {
  environment: string;
  model: string;
  responseModel: string;
  spans: number;
  first: string;
  last: string;
  traceId: string;
  spanId: string;
  prompts: string[];
}

const SQL = `
  SELECT Environment AS environment, RequestModel AS model, ResponseModel AS responseModel, count() AS spans,
    min(Timestamp) AS first, max(Timestamp) AS last, argMin(TraceId, Timestamp) AS traceId,
    argMin(SpanId, Timestamp) AS spanId, arraySort(groupUniqArrayIf(50)(PromptName, PromptName != '')) AS prompts
  FROM otel_traces
  WHERE Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp < fromUnixTimestamp64Milli({to:Int64})
    AND IsGeneration = 1 AND RequestModel != '' AND ResponseModel != ''
  GROUP BY environment, model, responseModel
  ORDER BY first`;

/** Which response models answered which requested models over [from, to), each with its first span. */
export function queryAnsweringModels(store: Store, from: number, to: number): Promise<AnsweringModel[]> {
  return store.query<AnsweringModel>(SQL, { from, to });
}

export interface KnownResponseModel {
  environment: string;
  model: string;
  responseModel: string;
  firstSeen: string;
  lastSeen: string;
}

/** Every response model seen before behind these (environment, requested model) pairs. */
export async function knownResponseModels(
  store: Store,
  pairs: readonly { environment: string; model: string }[],
): Promise<KnownResponseModel[]> {
  if (pairs.length === 0) return [];
  return store.query<KnownResponseModel>(
    `SELECT environment, model, response_model AS responseModel, first_seen AS firstSeen, last_seen AS lastSeen
     FROM response_models FINAL
     WHERE (environment, model) IN (SELECT tupleElement(p, 1), tupleElement(p, 2)
                                    FROM (SELECT arrayJoin(arrayZip({environments:Array(String)}, {models:Array(String)})) AS p))`,
    { environments: pairs.map((p) => p.environment), models: pairs.map((p) => p.model) },
  );
}

export async function rememberResponseModels(store: Store, seen: readonly KnownResponseModel[]): Promise<void> {
  if (seen.length === 0) return;
  await store.insert(
    'response_models',
    seen.map((s) => ({
      environment: s.environment,
      model: s.model,
      response_model: s.responseModel,
      first_seen: s.firstSeen,
      last_seen: s.lastSeen,
    })),
  );
}
