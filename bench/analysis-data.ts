import type { Store } from '../server/store/store.js';

/**
 * Synthetic LLM traffic for the analysis benchmark, generated inside ClickHouse (`INSERT … SELECT FROM numbers()`)
 * so 10 million spans take seconds, not the hours JSON rows would: 24 hours of traffic spread evenly, 70% in
 * production, 20% staging, 10% development; 30% of it for one prompt (`support-bot`), the rest over 9 others;
 * three models; log-normal latency, 2% errors, tokens, cost, a quality score on 30% of requests. In production,
 * `support-bot` switches from version 1 to version 2 at `switchAt` (v2 is 30% slower), and 5% of its spans carry no
 * version (inferred from the deployment history at query time).
 */
export const LANE = { environment: 'production', prompt: 'support-bot' } as const;

export interface Traffic {
  /** Epoch ms of the first span. */
  start: number;
  /** Epoch ms after the last span. */
  end: number;
  switchAt: number;
  spans: number;
}

const SQL = `
  INSERT INTO otel_traces (Timestamp, TraceId, SpanId, SpanName, SpanKind, ServiceName, Duration, StatusCode,
    Environment, PromptName, PromptVersion, Model, Provider, Operation, IsGeneration,
    InputTokens, OutputTokens, CostUsd, Quality, IsError)
  SELECT ts, lower(hex(cityHash64(n, 1))) || lower(hex(cityHash64(n, 2))), lower(hex(cityHash64(n, 3))),
    'chat ' || model, 'Client', 'bench-app', toUInt64(latency_ms * 1e6), if(is_error, 'Error', 'Unset'),
    env, prompt, version, model, 'openai', 'chat', 1,
    input_tokens, output_tokens, input_tokens * 1.5e-7 + output_tokens * 6e-7, quality, is_error
  FROM (
    SELECT number + {offset:UInt64} AS n,
      fromUnixTimestamp64Milli(toInt64({start:Int64} + intDiv(n * {spanEveryUs:UInt64}, 1000))) AS ts,
      cityHash64(n, 10) % 10 AS env_pick,
      multiIf(env_pick < 7, 'production', env_pick < 9, 'staging', 'development') AS env,
      if(cityHash64(n, 11) % 10 < 3, 'support-bot', 'prompt-' || toString(cityHash64(n, 12) % 9)) AS prompt,
      ['gpt-4o-mini', 'claude-sonnet-4', 'llama-3.1-70b'][cityHash64(n, 13) % 3 + 1] AS model,
      env = 'production' AND prompt = 'support-bot' AS in_lane,
      in_lane AND toUnixTimestamp64Milli(ts) >= {switchAt:Int64} AS is_candidate,
      multiIf(in_lane AND cityHash64(n, 14) % 20 = 0, '', in_lane, if(is_candidate, '2', '1'), toString(1 + cityHash64(n, 15) % 3)) AS version,
      800 * exp(0.4 * randNormal(0, 1)) * if(is_candidate, 1.3, 1) AS latency_ms,
      randBernoulli(0.02) AS is_error,
      toUInt64(400 * exp(0.2 * randNormal(0, 1))) AS input_tokens,
      toUInt64(120 * exp(0.3 * randNormal(0, 1))) AS output_tokens,
      cityHash64(n, 16) % 10 < 3 AS scored,
      if(scored, least(1, greatest(0, 0.85 + 0.15 * randNormal(0, 1))), NULL) AS quality
    FROM numbers({batch:UInt64})
  )`;

/** Inserts `spans` spans in batches of `batch`, calling `progress` after each. */
export async function generateTraffic(
  store: Store,
  spans: number,
  end: number,
  batch: number,
  progress: (done: number) => void,
): Promise<Traffic> {
  const start = end - 86_400_000;
  const switchAt = start + 43_200_000;
  const spanEveryUs = Math.floor((86_400_000 * 1000) / spans);
  for (let offset = 0; offset < spans; offset += batch) {
    const size = Math.min(batch, spans - offset);
    await store.exec(SQL, { offset, start, spanEveryUs, switchAt, batch: size });
    progress(offset + size);
  }
  return { start, end, switchAt, spans };
}
