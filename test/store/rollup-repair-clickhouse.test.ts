import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../server/log.js';
import { ClickHouseStore } from '../../server/store/clickhouse-store.js';
import { migrate } from '../../server/store/migrate.js';
import { repairRollups } from '../../server/store/rollup-repair.js';
import { startClickHouseFixture, type ClickHouseFixture } from '../fixtures/clickhouse-http-fixture.js';
import { tempDataDir } from '../helpers/tracelane.js';
import { damageRollups, rollupTotals } from './crash-scenario.js';

/** The rollup repair's SQL on the @clickhouse/client backend (over the HTTP fixture): one SQL text, two backends. */
let dir: string;
let fixture: ClickHouseFixture;
let store: ClickHouseStore;
beforeAll(async () => {
  dir = tempDataDir('tracelane-repair-ch-');
  fixture = await startClickHouseFixture(dir);
  store = new ClickHouseStore({
    url: fixture.url,
    username: fixture.user,
    password: fixture.password,
    database: 'default',
  });
  await migrate(store);
});
afterAll(async () => {
  await store.close();
  await fixture.close();
  rmSync(dir, { recursive: true, force: true });
});

it('recomputes the minutes whose rollups missed raw rows, over the ClickHouse client', async () => {
  const minute = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
  await damageRollups(store, 'repair-ch', minute);
  expect(await rollupTotals(store, 'repair-ch')).toEqual({
    spans: 20,
    requests: 10,
    scores: 5,
    scored: 2,
    tier10m: 10,
    tier1h: 10,
  });
  const repaired = await repairRollups(store, silentLogger, { hours: 24, settleMs: 0 });
  expect(repaired).toMatchObject({ llm_metrics_1m: 2, llm_scores_1m: 1, otel_traces_trace_id_ts: 10 });
  expect(Object.keys(repaired).sort()).toEqual([
    'llm_metrics_10m',
    'llm_metrics_1h',
    'llm_metrics_1m',
    'llm_scores_1m',
    'otel_traces_trace_id_ts',
  ]);
  expect(await rollupTotals(store, 'repair-ch')).toEqual({
    spans: 20,
    requests: 20,
    scores: 5,
    scored: 5,
    tier10m: 20,
    tier1h: 20,
  });
  expect(await repairRollups(store, silentLogger, { hours: 24, settleMs: 0 })).toEqual({});
  expect(fixture.requests.query).toBeGreaterThan(0);
});
