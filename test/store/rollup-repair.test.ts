import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Timeseries } from '../../server/analysis/timeseries-query.js';
import { loadConfig } from '../../server/config.js';
import { silentLogger, type Logger } from '../../server/log.js';
import { ChdbStore } from '../../server/store/chdb-store.js';
import { startTracelane, type Tracelane } from '../../server/tracelane.js';
import { jsonRequest, jsonSpan, newTraceId, postTraces } from '../collector/otlp-request.js';
import { tempDataDir } from '../helpers/tracelane.js';

/**
 * A crash between the span insert and the rollup insert, simulated: the rollups' materialized views are detached
 * while spans and scores are written (the raw rows land, their rollup rows do not), then the server dies without a
 * clean stop. At the next start the rollups are compared with the raw rows and the minutes that differ are
 * recomputed, so the charts (read from the rollups) count every request again; the trace-id lookup's view is
 * detached too, and the traces written without their lookup rows can be opened by id again.
 */
const dataDir = tempDataDir('tracelane-rollup-repair-');
const warnings: string[] = [];
const log: Logger = {
  ...silentLogger,
  warn: (message, fields) => warnings.push(`${message} ${JSON.stringify(fields)}`),
};
const start = () =>
  startTracelane(loadConfig({ PORT: '0', OTLP_PORT: '0', OTLP_GRPC_PORT: '0', DATA_DIR: dataDir }), log);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const PROMPT = 'repair/triage';
const minuteStart = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;

/** `n` model-call spans of PROMPT in production, in the minute starting at `minute` (epoch ms), one trace each. */
async function sendSpans(tl: Tracelane, minute: number, n: number, operation = 'chat'): Promise<string[]> {
  const traceIds = Array.from({ length: n }, () => newTraceId());
  const spans = traceIds.map((traceId, i) =>
    jsonSpan(
      {
        name: 'chat gpt-4o-mini',
        kind: 3,
        startTimeUnixNano: String(BigInt(minute + i * 100) * 1_000_000n),
        attributes: {
          'gen_ai.operation.name': operation,
          'gen_ai.request.model': operation === 'chat' ? 'gpt-4o-mini' : 'text-embedding-3-small',
          'gen_ai.prompt.name': PROMPT,
          'gen_ai.prompt.version': '1',
        },
      },
      traceId,
    ),
  );
  const res = await postTraces(tl.otlpUrl, jsonRequest({ 'deployment.environment.name': 'production' }, spans));
  expect(res.status).toBe(200);
  return traceIds;
}

async function sendScores(tl: Tracelane, traceIds: readonly string[]): Promise<void> {
  for (const traceId of traceIds) {
    const res = await fetch(`${tl.apiUrl}/api/v1/scores`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ traceId, name: 'accuracy', value: 1, source: 'evaluator' }),
    });
    expect(res.status).toBe(201);
  }
}

/** Per minute: raw generation spans and scores of PROMPT, and what the two rollups count. */
async function counts(tl: Tracelane) {
  const perMinute = async (sql: string) =>
    Object.fromEntries(
      (await tl.store.query<{ m: string; n: number }>(sql, { prompt: PROMPT })).map((r) => [r.m, r.n] as const),
    );
  return {
    spans: await perMinute(`SELECT toString(toStartOfMinute(Timestamp)) AS m, count() AS n FROM otel_traces
       WHERE PromptName = {prompt:String} AND IsGeneration = 1 GROUP BY m`),
    requests: await perMinute(`SELECT toString(Minute) AS m, toUInt64(sum(Requests)) AS n FROM llm_metrics_1m
       WHERE PromptName = {prompt:String} GROUP BY m`),
    scores: await perMinute(`SELECT toString(toStartOfMinute(span_time)) AS m, count() AS n FROM scores
       WHERE prompt = {prompt:String} GROUP BY m`),
    scored: await perMinute(`SELECT toString(Minute) AS m, toUInt64(sum(ScoreCount)) AS n FROM llm_scores_1m
       WHERE PromptName = {prompt:String} GROUP BY m`),
    embeddingSpans: await perMinute(`SELECT toString(toStartOfMinute(Timestamp)) AS m, count() AS n FROM otel_traces
       WHERE PromptName = {prompt:String} AND Operation = 'embeddings' GROUP BY m`),
    embeddings: await perMinute(`SELECT toString(Minute) AS m, toUInt64(sum(Requests)) AS n FROM llm_embeddings_1m
       WHERE PromptName = {prompt:String} GROUP BY m`),
  };
}

/** The row a run that was killed leaves in server_runs: started, never stopped. */
async function recordCrashedRun(): Promise<void> {
  const store = new ChdbStore(dataDir);
  try {
    const now = new Date().toISOString();
    await store.insert('server_runs', [{ id: 'crashed', started_at: now, stopped_at: null, updated_at: now }]);
  } finally {
    await store.close();
  }
}

/** Requests of PROMPT in the overview's tiers (filled from llm_metrics_1m). */
async function tierRequests(tl: Tracelane) {
  const total = async (table: string) =>
    (
      await tl.store.query<{ n: number }>(
        `SELECT toUInt64(sum(Requests)) AS n FROM ${table} WHERE PromptName = {prompt:String}`,
        { prompt: PROMPT },
      )
    )[0]?.n;
  return { tier10m: await total('llm_metrics_10m'), tier1h: await total('llm_metrics_1h') };
}

async function chartedRequests(tl: Tracelane): Promise<number> {
  const query = new URLSearchParams({
    environment: 'production',
    prompt: PROMPT,
    from: String(minuteStart - 60_000),
    to: String(minuteStart + 5 * 60_000),
    step: '1m',
  });
  const res = await fetch(`${tl.apiUrl}/api/v1/metrics/timeseries?${query.toString()}`);
  const body = (await res.json()) as Timeseries;
  return body.series.flatMap((s) => s.points).reduce((n, p) => n + p.requests, 0);
}

async function traceStatus(tl: Tracelane, traceId: string): Promise<number> {
  const res = await fetch(`${tl.apiUrl}/api/v1/traces/${traceId}`);
  await res.arrayBuffer();
  return res.status;
}

describe('rollups after a crash', () => {
  it('finds the minutes whose rollup missed raw rows at start-up and recomputes them and the tiers; lost trace ids open again', async () => {
    const first = await start();
    let rolledUp: string[] = [];
    let unfindable: string[] = [];
    try {
      rolledUp = await sendSpans(first, minuteStart, 20);
      await sendScores(first, rolledUp.slice(0, 5));
      // The crash window: the raw rows are written, the views that roll them up do not run.
      await first.store.exec('DETACH TABLE llm_metrics_1m_mv');
      await first.store.exec('DETACH TABLE llm_scores_1m_mv');
      await first.store.exec('DETACH TABLE llm_embeddings_1m_mv');
      const lost = await sendSpans(first, minuteStart, 15);
      await sendScores(first, lost.slice(0, 4)); // a score finds its span through the trace-id lookup
      // The lookup's view too, from here on: these traces' spans are stored, but nothing says where to find them.
      await first.store.exec('DETACH TABLE otel_traces_trace_id_ts_mv');
      unfindable = [
        ...(await sendSpans(first, minuteStart + 60_000, 8)),
        ...(await sendSpans(first, minuteStart, 6, 'embeddings')),
      ];
      await first.store.exec('ATTACH TABLE llm_metrics_1m_mv');
      await first.store.exec('ATTACH TABLE llm_scores_1m_mv');
      await first.store.exec('ATTACH TABLE llm_embeddings_1m_mv');
      await first.store.exec('ATTACH TABLE otel_traces_trace_id_ts_mv');
      const damaged = await counts(first);
      expect(damaged.requests).not.toEqual(damaged.spans);
      expect(damaged.scored).not.toEqual(damaged.scores);
      expect(damaged.embeddings).not.toEqual(damaged.embeddingSpans);
      expect(await chartedRequests(first)).toBe(20);
      expect(await tierRequests(first)).toEqual({ tier10m: 20, tier1h: 20 });
      expect(await traceStatus(first, rolledUp[0]!)).toBe(200);
      expect(await traceStatus(first, lost[0]!)).toBe(200);
      expect(await traceStatus(first, unfindable[0]!)).toBe(404);
    } finally {
      await first.close();
    }
    await recordCrashedRun(); // the process died instead of stopping: its run never recorded a clean stop

    const second = await start();
    try {
      const repaired = await counts(second);
      expect(Object.values(repaired.spans).reduce((a, b) => a + b, 0)).toBe(43);
      expect(repaired.requests).toEqual(repaired.spans);
      expect(repaired.scored).toEqual(repaired.scores);
      expect(Object.values(repaired.embeddingSpans)).toEqual([6]);
      expect(repaired.embeddings).toEqual(repaired.embeddingSpans);
      expect(await chartedRequests(second)).toBe(43);
      expect(await tierRequests(second)).toEqual({ tier10m: 43, tier1h: 43 });
      expect(await traceStatus(second, unfindable[0]!)).toBe(200);
      expect(await traceStatus(second, unfindable.at(-1)!)).toBe(200);
      expect(await traceStatus(second, rolledUp[0]!)).toBe(200);
      expect(warnings.some((w) => w.startsWith('rollup repaired') && w.includes('"rollup":"llm_metrics_1m"'))).toBe(
        true,
      );
      expect(warnings.filter((w) => w.startsWith('trace-id lookup repaired'))).toEqual([
        expect.stringContaining('"traces":14'),
      ]);
    } finally {
      await second.close();
    }

    warnings.length = 0;
    const third = await start(); // after a clean stop nothing is checked
    try {
      expect(warnings.filter((w) => /previous run|rollup repaired/.test(w))).toEqual([]);
      expect(await chartedRequests(third)).toBe(43);
    } finally {
      await third.close();
    }
  }, 240_000);
});
