import type { Evaluation } from '../evaluators/evaluation.js';
import type { Store } from '../store/store.js';

/** One finished item of a run. */
export interface ItemResult {
  itemId: string;
  category: string;
  /** The rendered messages, as JSON text. */
  input: string;
  expected: unknown;
  output: string;
  /** Why the item has no output (render or model failure); '' when answered. */
  error: string;
  scores: Evaluation[];
  latencyMs: number;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  traceId: string;
  finishedAt: string;
}

interface Row {
  item_id: string;
  category: string;
  input: string;
  expected: string;
  output: string;
  error: string;
  scores: string;
  latency_ms: number;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  trace_id: string;
  finished_at: string;
}

export async function insertResult(store: Store, runId: string, r: ItemResult): Promise<void> {
  await store.insert('experiment_results', [
    {
      run_id: runId,
      item_id: r.itemId,
      category: r.category,
      input: r.input,
      expected: JSON.stringify(r.expected ?? null),
      output: r.output,
      error: r.error,
      scores: JSON.stringify(r.scores),
      latency_ms: r.latencyMs,
      input_tokens: r.inputTokens,
      output_tokens: r.outputTokens,
      cost_usd: r.costUsd,
      trace_id: r.traceId,
      finished_at: r.finishedAt,
    },
  ]);
}

export async function resultsOf(store: Store, runId: string): Promise<ItemResult[]> {
  const rows = await store.query<Row>(
    `SELECT item_id, category, input, expected, output, error, scores, latency_ms, input_tokens, output_tokens, cost_usd,
            trace_id, finished_at
     FROM experiment_results FINAL WHERE run_id = {runId:String} ORDER BY category, item_id`,
    { runId },
  );
  return rows.map((r) => ({
    itemId: r.item_id,
    category: r.category,
    input: r.input,
    expected: JSON.parse(r.expected) as unknown,
    output: r.output,
    error: r.error,
    scores: JSON.parse(r.scores) as Evaluation[],
    latencyMs: r.latency_ms,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    costUsd: r.cost_usd,
    traceId: r.trace_id,
    finishedAt: r.finished_at,
  }));
}

/** Per run: items finished, items failed, total cost, first and last finish time. */
export interface ResultTotals {
  runId: string;
  done: number;
  errors: number;
  costUsd: number;
}

export async function resultTotals(store: Store, runIds: readonly string[]): Promise<Map<string, ResultTotals>> {
  if (runIds.length === 0) return new Map();
  const rows = await store.query<ResultTotals>(
    `SELECT run_id AS runId, count() AS done, countIf(error != '') AS errors, sum(ifNull(cost_usd, 0)) AS costUsd
     FROM experiment_results FINAL WHERE run_id IN {ids:Array(String)} GROUP BY run_id`,
    { ids: runIds },
  );
  return new Map(rows.map((r) => [r.runId, r]));
}

export async function finishedItemIds(store: Store, runId: string): Promise<Set<string>> {
  const rows = await store.query<{ item_id: string }>(
    'SELECT DISTINCT item_id FROM experiment_results WHERE run_id = {runId:String}',
    { runId },
  );
  return new Set(rows.map((r) => r.item_id));
}
