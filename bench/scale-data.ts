import type { Store } from '../server/store/store.js';

/**
 * Synthetic data for `npm run bench:scale`, generated inside ClickHouse (`INSERT … SELECT FROM numbers()`): traces
 * of two spans (an HTTP root span and one model call) spread evenly over `days` days, for PROMPTS prompts in four
 * environments. Model calls carry span attributes (tier, customer id, retries), resource attributes, tokens, cost,
 * a quality score on 30%, 2% errors; a share (`contentShare`) captured their prompt and completion text, one in a
 * hundred thousand of those mentioning a "chargeback dispute escalation" (the text search looks for it). Spans
 * carry no version: it is inferred from the deployment history at query time, as for most instrumentations.
 *
 * Bulk history is written with the span-fed materialized views detached and rolled up afterwards, one day at a
 * time, with the views' own SELECT: spread over 2,000 lanes, a batch of history holds about one span per lane and
 * minute, and rolling it up block by block would build one latency sketch per span (live traffic does not: a batch
 * covers seconds). The stored result is the same.
 */
export const PROMPTS = 500;
export const ENVIRONMENTS = ['development', 'qa', 'staging', 'production'] as const;
export const RARE_CUSTOMER = 'c-12345';
export const RARE_PHRASE = 'chargeback dispute escalation';
export const promptName = (i: number) => `prompt-${String(i).padStart(3, '0')}`;

const WORDS = [
  'refund',
  'order',
  'invoice',
  'password',
  'account',
  'shipping',
  'delivery',
  'billing',
  'plan',
  'upgrade',
  'cancel',
  'subscription',
  'error',
  'login',
  'reset',
  'charge',
  'card',
  'address',
  'tracking',
  'support',
  'please',
  'thanks',
  'urgent',
  'customer',
  'help',
  'issue',
  'question',
  'payment',
  'failed',
  'double',
  'quota',
  'limit',
  'api',
  'key',
  'team',
  'seat',
  'export',
  'report',
  'dashboard',
  'slow',
  'timeout',
  'the',
  'my',
  'is',
  'not',
  'working',
  'since',
  'yesterday',
  'again',
  'when',
  'can',
  'you',
  'check',
  'why',
  'was',
  'i',
  'we',
  'our',
  'it',
  'this',
  'month',
];

/** One model call's spans: the root (even n) and the generation (odd n) of trace intDiv(n, 2). */
const SQL = `
  INSERT INTO otel_traces (Timestamp, TraceId, SpanId, ParentSpanId, SpanName, SpanKind, ServiceName,
    ResourceAttributes, SpanAttributes, Duration, StatusCode, Environment, PromptName, PromptVersion, Model,
    Provider, Operation, IsGeneration, InputTokens, OutputTokens, CostUsd, Quality, IsError)
  SELECT ts, trace, span, if(gen, parent, ''), if(gen, 'chat ' || model, 'POST /answer'), if(gen, 'Client', 'Server'),
    'support-app', map('service.name', 'support-app', 'deployment.environment.name', env),
    if(gen, if(captured, mapConcat(attrs, map('gen_ai.prompt.0.content', text, 'gen_ai.completion.0.content', reply)), attrs), map()),
    toUInt64(latency_ms * 1e6), if(is_error, 'Error', 'Unset'),
    if(gen, env, ''), if(gen, prompt, ''), '', if(gen, model, ''), if(gen, 'openai', ''), if(gen, 'chat', ''), gen,
    if(gen, input_tokens, NULL), if(gen, output_tokens, NULL),
    if(gen, input_tokens * 1.5e-7 + output_tokens * 6e-7, NULL), if(gen AND scored, quality, NULL), is_error
  FROM (
    SELECT number + {offset:UInt64} AS n, intDiv(n, 2) AS t, n % 2 = 1 AS gen,
      intDiv(number + {timeOffset:UInt64}, 2) AS slot,
      fromUnixTimestamp64Milli(toInt64({start:Int64} + intDiv(slot * {traceEveryUs:UInt64}, 1000) + if(gen, 5, 0))) AS ts,
      lower(hex(cityHash64(t, 1))) || lower(hex(cityHash64(t, 2))) AS trace,
      lower(hex(cityHash64(n, 3))) AS span, lower(hex(cityHash64(t * 2, 3))) AS parent,
      cityHash64(t, 10) % {lanes:UInt32} AS lane,
      'prompt-' || leftPad(toString(lane % {prompts:UInt32}), 3, '0') AS prompt,
      {environments:Array(String)}[intDiv(lane, {prompts:UInt32}) + 1] AS env,
      ['gpt-4o-mini', 'claude-sonnet-4', 'llama-3.1-70b'][lane % 3 + 1] AS model,
      map('user.tier', ['free', 'pro', 'enterprise'][cityHash64(t, 4) % 3 + 1],
          'customer.id', 'c-' || toString(cityHash64(t, 5) % 100000),
          'app.retries', toString(cityHash64(t, 6) % 4)) AS attrs,
      cityHash64(t, 7) % 10000 < {contentShare:UInt32} AS captured,
      if(gen AND captured, arrayStringConcat(arrayMap(i -> {words:Array(String)}[cityHash64(t, i) % {wordCount:UInt32} + 1], range(60)), ' ')
        || if(cityHash64(t, 9) % 100000 = 7, ' ${RARE_PHRASE}', ''), '') AS text,
      if(gen AND captured, arrayStringConcat(arrayMap(i -> {words:Array(String)}[cityHash64(t, i + 100) % {wordCount:UInt32} + 1], range(30)), ' '), '') AS reply,
      800 * exp(0.4 * randNormal(0, 1)) AS latency_ms,
      gen AND randBernoulli(0.02) AS is_error,
      toUInt64(400 * exp(0.2 * randNormal(0, 1))) AS input_tokens,
      toUInt64(120 * exp(0.3 * randNormal(0, 1))) AS output_tokens,
      cityHash64(t, 8) % 10 < 3 AS scored,
      least(1, greatest(0, 0.85 + 0.15 * randNormal(0, 1))) AS quality
    FROM numbers({batch:UInt64})
  )`;

/** The materialized views fed by spans, and the table each fills (arrivals of history are not needed). */
const SPAN_VIEWS = [
  { view: 'llm_metrics_1m_mv', target: 'llm_metrics_1m' },
  { view: 'llm_embeddings_1m_mv', target: 'llm_embeddings_1m' },
  { view: 'otel_traces_trace_id_ts_mv', target: 'otel_traces_trace_id_ts' },
  { view: 'lane_arrivals_spans_mv', target: null },
] as const;

/** Inserts `spans` spans ending at `end`, in batches, calling `progress` after each, then rolls them up. */
export async function generateSpans(
  store: Store,
  o: { spans: number; end: number; days: number; batch: number; contentShare: number },
  progress: (done: number) => void,
): Promise<void> {
  const start = o.end - o.days * 86_400_000;
  const traceEveryUs = Math.max(1, Math.floor((o.days * 86_400_000 * 1000) / (o.spans / 2)));
  const views = await store.query<{ name: string; select: string }>(
    `SELECT name, as_select AS select FROM system.tables WHERE database = currentDatabase() AND name IN {names:Array(String)}`,
    { names: SPAN_VIEWS.map((v) => v.view) },
  );
  for (const { view } of SPAN_VIEWS) await store.exec(`DETACH TABLE ${view}`);
  for (let offset = 0; offset < o.spans; offset += o.batch) {
    const batch = Math.min(o.batch, o.spans - offset);
    await store.exec(SQL, {
      offset,
      timeOffset: offset,
      batch,
      start,
      traceEveryUs,
      lanes: PROMPTS * ENVIRONMENTS.length,
      prompts: PROMPTS,
      environments: ENVIRONMENTS,
      contentShare: Math.round(o.contentShare * 10_000),
      words: WORDS,
      wordCount: WORDS.length,
    });
    progress(offset + batch);
  }
  for (let day = Math.floor(start / 86_400_000); day <= Math.floor(o.end / 86_400_000); day++) {
    for (const { view, target } of SPAN_VIEWS) {
      const select = views.find((v) => v.name === view)?.select;
      if (!target || !select) continue;
      const oneDay =
        '(SELECT * FROM otel_traces WHERE toDate(Timestamp) = toDate(fromUnixTimestamp64Milli({day:Int64})))';
      await store.exec(`INSERT INTO ${target} ${select.replace(/\bFROM (\w+\.)?otel_traces\b/, `FROM ${oneDay}`)}`, {
        day: day * 86_400_000,
      });
    }
  }
  for (const { view } of SPAN_VIEWS) await store.exec(`ATTACH TABLE ${view}`);
}

/** `count` spans of live traffic at `now` (the last `seconds`), spread over every lane. */
export async function steadyTraffic(store: Store, count: number, now: number, seconds: number): Promise<void> {
  if (count <= 0) return;
  await store.exec(SQL, {
    offset: Math.floor(Math.random() * 1e12) * 2,
    timeOffset: 0,
    batch: count,
    start: now - seconds * 1000,
    traceEveryUs: Math.max(1, Math.floor((seconds * 1e6) / (count / 2))),
    lanes: PROMPTS * ENVIRONMENTS.length,
    prompts: PROMPTS,
    environments: ENVIRONMENTS,
    contentShare: 200,
    words: WORDS,
    wordCount: WORDS.length,
  });
}
