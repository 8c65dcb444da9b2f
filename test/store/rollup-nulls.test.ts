import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ChdbStore } from '../../server/store/chdb-store.js';
import { migrate } from '../../server/store/migrate.js';
import { tempDataDir } from '../helpers/tracelane.js';

// An INSERT … SELECT may leave any value under a NULL; the rollup must still sum only the non-NULL ones.
const dir = tempDataDir();
const store = new ChdbStore(dir);
beforeAll(() => migrate(store));
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('sums nullable columns in the per-minute rollup as if NULL were absent', async () => {
  await store.exec(`INSERT INTO otel_traces (Timestamp, TraceId, SpanId, Duration, Environment, PromptName, IsGeneration, CostUsd, Quality, InputTokens)
    SELECT now64(9), hex(number), hex(number), 1000000, 'production', 'nulls', 1,
           if(number = 0, 0.5, nullIf(7.0, 7.0 * (number > 0))),
           if(number = 0, 1.0, CAST(NULL AS Nullable(Float64))),
           if(number = 0, toUInt64(10), nullIf(toUInt64(99), toUInt64(99)))
    FROM numbers(3)`);
  const [row] = await store.query<Record<string, number>>(
    `SELECT sum(Requests) AS requests, sum(CostCount) AS costs, sum(CostSum) AS cost, sum(QualityCount) AS scored,
            sum(QualitySum) AS quality, sum(InputTokensSum) AS tokens
     FROM llm_metrics_1m WHERE PromptName = 'nulls'`,
  );
  expect(row).toEqual({ requests: 3, costs: 1, cost: 0.5, scored: 1, quality: 1, tokens: 10 });
});
