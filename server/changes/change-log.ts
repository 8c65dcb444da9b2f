import type { Store } from '../store/store.js';

/**
 * Changes nobody announced, on the same timeline as deployments:
 * - `model_snapshot`: generations asking for `model` in an environment are answered by another response model;
 * - `prompt_drift`: spans claiming `prompt` version `version` carry a system prompt that version does not render to.
 * A change is one row of change_events (when first detected); every scan that sees spans showing it adds an
 * observation, so `spans` counts them all and `lastSeen` says whether it is still going on.
 */
export const CHANGE_KINDS = ['model_snapshot', 'prompt_drift'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface ChangeEvent {
  id: string;
  kind: ChangeKind;
  /** When it took effect: the first span showing it. */
  time: string;
  detectedAt: string;
  environment: string;
  /** prompt_drift: the prompt; model_snapshot: '' (see `prompts`). */
  prompt: string;
  version: string;
  /** model_snapshot: the requested model; prompt_drift: the model of the example span. */
  model: string;
  /** model_snapshot: the response model before and after; prompt_drift: '' and the captured text's hash. */
  before: string;
  after: string;
  /** model_snapshot: the prompts seen answered by the new response model. */
  prompts: string[];
  exampleTraceId: string;
  exampleSpanId: string;
  evidence: Record<string, unknown>;
  /** Spans showing the change, over every scan. */
  spans: number;
  lastSeen: string;
}

export type NewChange = Omit<ChangeEvent, 'spans' | 'lastSeen'>;

export interface Observation {
  changeId: string;
  /** The first span of this scan showing the change. */
  time: string;
  lastSeen: string;
  spans: number;
  exampleTraceId: string;
}

interface ChangeRow {
  id: string;
  kind: string;
  time: string;
  detected_at: string;
  environment: string;
  prompt: string;
  version: string;
  model: string;
  before: string;
  after: string;
  prompts: string[];
  example_trace_id: string;
  example_span_id: string;
  evidence: string;
  spans: number;
  last_seen: string;
}

export async function insertChange(store: Store, c: NewChange): Promise<void> {
  await store.insert('change_events', [
    {
      id: c.id,
      kind: c.kind,
      time: c.time,
      detected_at: c.detectedAt,
      environment: c.environment,
      prompt: c.prompt,
      version: c.version,
      model: c.model,
      before: c.before,
      after: c.after,
      prompts: c.prompts,
      example_trace_id: c.exampleTraceId,
      example_span_id: c.exampleSpanId,
      evidence: JSON.stringify(c.evidence),
    },
  ]);
}

export async function addObservations(store: Store, observations: readonly Observation[]): Promise<void> {
  if (observations.length === 0) return;
  await store.insert(
    'change_observations',
    observations.map((o) => ({
      change_id: o.changeId,
      time: o.time,
      last_seen: o.lastSeen,
      spans: o.spans,
      example_trace_id: o.exampleTraceId,
    })),
  );
}

export interface ChangeFilter {
  environment?: string | undefined;
  /** Drift of this prompt, and model switches seen answering it. */
  prompt?: string | undefined;
  kind?: ChangeKind | undefined;
  id?: string | undefined;
  /** Epoch ms: changes that took effect in [from, to). */
  from: number;
  to: number;
  limit: number;
}

const LIST_SQL = `
  SELECT c.id AS id, c.kind AS kind, c.time AS time, c.detected_at AS detected_at, c.environment AS environment,
    c.prompt AS prompt, c.version AS version, c.model AS model, c.before AS before, c.after AS after,
    c.prompts AS prompts, c.example_trace_id AS example_trace_id, c.example_span_id AS example_span_id,
    c.evidence AS evidence, o.spans AS spans, o.last_seen AS last_seen
  FROM change_events AS c
  LEFT JOIN (
    SELECT change_id, sum(spans) AS spans, max(last_seen) AS last_seen FROM change_observations GROUP BY change_id
  ) AS o ON o.change_id = c.id
  WHERE ({id:String} = '' OR c.id = {id:String})
    AND ({environment:String} = '' OR c.environment = {environment:String})
    AND ({prompt:String} = '' OR c.prompt = {prompt:String} OR has(c.prompts, {prompt:String}))
    AND ({kind:String} = '' OR c.kind = {kind:String})
    AND c.time >= fromUnixTimestamp64Milli({from:Int64}) AND c.time < fromUnixTimestamp64Milli({to:Int64})
  ORDER BY c.time DESC, c.id
  LIMIT 1 BY c.id
  LIMIT {limit:UInt32}`;

/** Changes that took effect in a window, newest first, with their span counts. */
export async function listChanges(store: Store, filter: ChangeFilter): Promise<ChangeEvent[]> {
  const rows = await store.query<ChangeRow>(LIST_SQL, {
    id: filter.id ?? '',
    environment: filter.environment ?? '',
    prompt: filter.prompt ?? '',
    kind: filter.kind ?? '',
    from: filter.from,
    to: filter.to,
    limit: filter.limit,
  });
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as ChangeKind,
    time: r.time,
    detectedAt: r.detected_at,
    environment: r.environment,
    prompt: r.prompt,
    version: r.version,
    model: r.model,
    before: r.before,
    after: r.after,
    prompts: r.prompts,
    exampleTraceId: r.example_trace_id,
    exampleSpanId: r.example_span_id,
    evidence: JSON.parse(r.evidence) as Record<string, unknown>,
    spans: r.spans,
    lastSeen: r.spans > 0 ? r.last_seen : r.time,
  }));
}

export async function findChange(store: Store, id: string): Promise<ChangeEvent | undefined> {
  return (await listChanges(store, { id, from: 0, to: 4_102_444_800_000, limit: 1 }))[0];
}

/** Which of these change ids are already recorded. */
export async function knownChangeIds(store: Store, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await store.query<{ id: string }>(
    'SELECT DISTINCT id FROM change_events WHERE id IN {ids:Array(String)}',
    { ids },
  );
  return new Set(rows.map((r) => r.id));
}
