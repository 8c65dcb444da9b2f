import { randomUUID } from 'node:crypto';
import type { Store } from '../../server/store/store.js';
import { generationSpan, nanoTime } from '../analysis/span-factory.js';

/**
 * A crash between the raw insert and its rollup, at the store level (for backends without a whole Tracelane): some
 * spans and scores are rolled up, then the rollups' materialized views (and the trace-id lookup's) are detached while
 * more are written: 10 spans, one trace each, without their lookup rows.
 */
export async function damageRollups(store: Store, prompt: string, minute: number): Promise<void> {
  const spans = (n: number, offset: number) =>
    Array.from({ length: n }, (_, i) =>
      generationSpan({ time: minute + offset + i, environment: 'production', prompt, version: '1' }),
    );
  const scores = (n: number, offset: number) =>
    Array.from({ length: n }, (_, i) => ({
      id: randomUUID(),
      trace_id: randomUUID().replaceAll('-', ''),
      span_id: '',
      name: 'accuracy',
      value: 1,
      source: 'evaluator',
      comment: '',
      environment: 'production',
      prompt,
      version: '1',
      model: 'gpt-4o-mini',
      span_time: nanoTime(minute + offset + i),
      created_at: nanoTime(minute + offset + i),
      actor: 'test',
    }));
  await store.insert('otel_traces', spans(10, 0));
  await store.insert('scores', scores(2, 0));
  await store.exec('DETACH TABLE llm_metrics_1m_mv');
  await store.exec('DETACH TABLE llm_scores_1m_mv');
  await store.exec('DETACH TABLE otel_traces_trace_id_ts_mv');
  await store.insert('otel_traces', [...spans(6, 100), ...spans(4, 60_000)]);
  await store.insert('scores', scores(3, 100));
  await store.exec('ATTACH TABLE llm_metrics_1m_mv');
  await store.exec('ATTACH TABLE llm_scores_1m_mv');
  await store.exec('ATTACH TABLE otel_traces_trace_id_ts_mv');
}

/** What the raw rows hold and what the rollups count, for one prompt. */
export async function rollupTotals(store: Store, prompt: string) {
  const total = async (sql: string) => (await store.query<{ n: number }>(sql, { prompt }))[0]?.n ?? 0;
  return {
    spans: await total('SELECT count() AS n FROM otel_traces WHERE PromptName = {prompt:String} AND IsGeneration = 1'),
    requests: await total('SELECT toUInt64(sum(Requests)) AS n FROM llm_metrics_1m WHERE PromptName = {prompt:String}'),
    scores: await total('SELECT count() AS n FROM scores WHERE prompt = {prompt:String}'),
    scored: await total('SELECT toUInt64(sum(ScoreCount)) AS n FROM llm_scores_1m WHERE PromptName = {prompt:String}'),
    // The overview's tiers, filled from llm_metrics_1m.
    tier10m: await total('SELECT toUInt64(sum(Requests)) AS n FROM llm_metrics_10m WHERE PromptName = {prompt:String}'),
    tier1h: await total('SELECT toUInt64(sum(Requests)) AS n FROM llm_metrics_1h WHERE PromptName = {prompt:String}'),
  };
}
