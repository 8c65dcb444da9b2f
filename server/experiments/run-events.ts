import type { Store } from '../store/store.js';
import type { RunSpec, RunState } from './run-spec.js';

/** A run as its events say: the spec from its first event, the state and message of its latest. */
export interface RunRecord {
  id: string;
  spec: RunSpec;
  state: RunState;
  message: string;
  actor: string;
  createdAt: string;
  /** When its latest event was written. */
  updatedAt: string;
  /** The first `running` event, null while queued. */
  startedAt: string | null;
  seq: number;
}

interface Row {
  run_id: string;
  run_spec: string;
  run_state: string;
  run_message: string;
  run_actor: string;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  last_seq: number;
}

const fromRow = (r: Row): RunRecord => ({
  id: r.run_id,
  spec: JSON.parse(r.run_spec) as RunSpec,
  state: r.run_state as RunState,
  message: r.run_message,
  actor: r.run_actor,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  startedAt: r.started_at,
  seq: r.last_seq,
});

export interface RunFilter {
  ids?: readonly string[];
  prompt?: string;
  dataset?: string;
  states?: readonly RunState[];
  limit?: number;
}

/** Runs, newest first, their state derived from their latest event. */
export async function listRuns(store: Store, filter: RunFilter = {}): Promise<RunRecord[]> {
  const rows = await store.query<Row>(
    `SELECT run_id, argMinIf(spec, seq, state = 'queued') AS run_spec, argMax(state, seq) AS run_state,
            argMax(message, seq) AS run_message, argMinIf(actor, seq, state = 'queued') AS run_actor,
            min(time) AS created_at, max(time) AS updated_at,
            nullIf(minIf(time, state = 'running'), toDateTime64(0, 3)) AS started_at, max(seq) AS last_seq
     FROM experiment_run_events
     WHERE (empty({ids:Array(String)}) OR has({ids:Array(String)}, run_id))
       AND ({prompt:String} = '' OR prompt = {prompt:String})
       AND ({dataset:String} = '' OR dataset = {dataset:String})
     GROUP BY run_id
     HAVING empty({states:Array(String)}) OR has({states:Array(String)}, run_state)
     ORDER BY created_at DESC, run_id
     LIMIT {limit:UInt32}`,
    {
      ids: filter.ids ?? [],
      prompt: filter.prompt ?? '',
      dataset: filter.dataset ?? '',
      states: filter.states ?? [],
      limit: filter.limit ?? 1000,
    },
  );
  return rows.map(fromRow);
}

export async function findRun(store: Store, id: string): Promise<RunRecord | undefined> {
  return (await listRuns(store, { ids: [id] }))[0];
}

/** Appends a state event; `seq` orders a run's events (the latest is its state). */
export async function appendRunEvent(
  store: Store,
  e: { runId: string; seq: number; state: RunState; spec: RunSpec; message: string; actor: string },
): Promise<void> {
  await store.insert('experiment_run_events', [
    {
      run_id: e.runId,
      seq: e.seq,
      time: new Date().toISOString(),
      state: e.state,
      prompt: e.spec.prompt,
      version: e.spec.version,
      dataset: e.spec.dataset,
      dataset_version: e.spec.datasetVersion,
      baseline_run_id: e.spec.baselineRunId,
      spec: e.state === 'queued' ? JSON.stringify(e.spec) : '',
      message: e.message,
      actor: e.actor,
    },
  ]);
}
