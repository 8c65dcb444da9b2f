import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChdbStore } from '../../server/store/chdb-store.js';
import { ClickHouseStore } from '../../server/store/clickhouse-store.js';
import { applyRetention, migrate } from '../../server/store/migrate.js';
import { StoreError, type Column, type Store } from '../../server/store/store.js';
import { startClickHouseFixture, type ClickHouseFixture } from '../fixtures/clickhouse-http-fixture.js';
import { tempDataDir } from '../helpers/tracelane.js';

/**
 * One suite, every backend: embedded chDB, the @clickhouse/client backend over HTTP (against the chDB-backed
 * fixture), and a real ClickHouse server when CLICKHOUSE_URL is set.
 */
interface Backend {
  name: string;
  open(): Promise<{ store: Store; close: () => Promise<void>; httpRequests?: () => number }>;
}

const backends: Backend[] = [
  {
    name: 'chdb',
    open: () => {
      const dir = tempDataDir();
      const store = new ChdbStore(dir);
      return Promise.resolve({
        store,
        close: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      });
    },
  },
  {
    name: 'clickhouse-client via HTTP fixture',
    open: async () => {
      const dir = tempDataDir();
      const fixture: ClickHouseFixture = await startClickHouseFixture(dir);
      const store = new ClickHouseStore({
        url: fixture.url,
        username: fixture.user,
        password: fixture.password,
        database: 'default',
      });
      return {
        store,
        httpRequests: () => fixture.requests.query,
        close: async () => {
          await store.close();
          await fixture.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];
if (process.env.CLICKHOUSE_URL) {
  backends.push({
    name: `clickhouse server ${process.env.CLICKHOUSE_URL}`,
    open: () => {
      const store = new ClickHouseStore({
        url: process.env.CLICKHOUSE_URL ?? '',
        username: process.env.CLICKHOUSE_USER ?? 'default',
        password: process.env.CLICKHOUSE_PASSWORD ?? '',
        database: process.env.CLICKHOUSE_DATABASE ?? 'default',
      });
      return Promise.resolve({ store, close: () => store.close() });
    },
  });
}

const NASTY = `it's "quoted" \\ back\tslash\nnew line — ünïcødé 🚀 '); DROP TABLE otel_traces; --`;

describe.each(backends)('store on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  let httpRequests: (() => number) | undefined;
  const trace = `${Date.now().toString(16)}${'0'.repeat(20)}`.slice(0, 32);

  beforeAll(async () => {
    ({ store, close, httpRequests } = await backend.open());
  });
  afterAll(() => close());

  it('applies migrations once, and concurrent runs are harmless', async () => {
    const [first, second] = await Promise.all([migrate(store), migrate(store)]);
    expect([...(first ?? []), ...(second ?? [])]).toContain('001_traces');
    expect(await migrate(store)).toEqual([]);
    const tables = await store.query<{ name: string }>(
      'SELECT name FROM system.tables WHERE database = currentDatabase() AND name IN {names:Array(String)} ORDER BY name',
      { names: ['otel_traces', 'otel_traces_trace_id_ts', 'llm_metrics_1m', 'deployment_events'] },
    );
    expect(tables.map((t) => t.name)).toEqual([
      'deployment_events',
      'llm_metrics_1m',
      'otel_traces',
      'otel_traces_trace_id_ts',
    ]);
  });

  it('round-trips hostile strings, exact nanosecond timestamps and 64-bit integers as numbers', async () => {
    const ns = '1763719200123456789';
    await store.insert('otel_traces', [
      {
        Timestamp: ns,
        TraceId: trace,
        SpanId: 'aaaaaaaaaaaaaaaa',
        SpanName: NASTY,
        SpanAttributes: { 'gen_ai.prompt.name': NASTY },
        Duration: 2_000_000_000,
        StatusCode: 'Ok',
        Environment: 'production',
        PromptName: 'store-test',
        IsGeneration: 1,
        InputTokens: 12,
        CostUsd: null,
      },
    ]);
    const rows = await store.query<{
      name: string;
      attr: string;
      ts: string;
      ns: string;
      dur: number;
      cost: number | null;
    }>(
      `SELECT SpanName AS name, SpanAttributes['gen_ai.prompt.name'] AS attr, Timestamp AS ts,
              toString(toUnixTimestamp64Nano(Timestamp)) AS ns, Duration AS dur, CostUsd AS cost
       FROM otel_traces WHERE TraceId = {trace:String} AND SpanName = {name:String}`,
      { trace, name: NASTY },
    );
    expect(rows).toEqual([
      { name: NASTY, attr: NASTY, ts: '2025-11-21T10:00:00.123456789Z', ns, dur: 2_000_000_000, cost: null },
    ]);
  });

  it('stores a typed insert (declared columns, Native on the embedded store) exactly as a JSON insert', async () => {
    const columns: Column[] = [
      { name: 'Timestamp', type: 'DateTime64(9)' },
      { name: 'TraceId', type: 'String' },
      { name: 'SpanName', type: 'String' },
      { name: 'ResourceAttributes', type: 'Map(String, String)' },
      { name: 'SpanAttributes', type: 'Map(String, String)' },
      { name: 'Duration', type: 'UInt64' },
      { name: 'Events.Timestamp', type: 'Array(DateTime64(9))' },
      { name: 'Events.Name', type: 'Array(String)' },
      { name: 'Events.Attributes', type: 'Array(Map(String, String))' },
      { name: 'IsGeneration', type: 'UInt8' },
      { name: 'InputTokens', type: 'Nullable(UInt64)' },
      { name: 'CostUsd', type: 'Nullable(Float64)' },
    ];
    const resource = { 'service.name': NASTY, [NASTY]: '' };
    const rows = [0, 1, 2].map((i) => ({
      Timestamp: ['1763719200123456789', '1763719200000000001', '2200000000999999999'][i]!,
      TraceId: `${trace}-${i}`,
      SpanName: i === 0 ? NASTY : 'x'.repeat(63 + i * 40) + (i === 2 ? 'é' : ''),
      ResourceAttributes: resource,
      SpanAttributes: i === 1 ? {} : { [NASTY]: NASTY, 'gen_ai.usage.input_tokens': String(i) },
      Duration: 2 ** 53 - i,
      'Events.Timestamp': i === 2 ? [] : ['1763719200123456789', '1000000000000000001'],
      'Events.Name': i === 2 ? [] : [NASTY, ''],
      'Events.Attributes': i === 2 ? [] : [{ k: NASTY }, {}],
      IsGeneration: i % 2,
      InputTokens: i === 1 ? null : 2 ** 40 + i,
      CostUsd: i === 1 ? null : 0.1 + i,
    }));
    await store.exec('CREATE TABLE IF NOT EXISTS typed_json AS otel_traces');
    await store.exec('CREATE TABLE IF NOT EXISTS typed_native AS otel_traces');
    await store.insert('typed_json', rows);
    await store.insert('typed_native', rows, columns);
    const read = (table: string) =>
      store.query(`SELECT *, toString(toUnixTimestamp64Nano(Timestamp)) AS ns FROM ${table} ORDER BY TraceId`);
    const [fromJson, fromNative] = await Promise.all([read('typed_json'), read('typed_native')]);
    expect(fromJson).toHaveLength(3);
    expect(fromNative).toEqual(fromJson);
    expect(fromNative[0]).toMatchObject({ SpanName: NASTY, ns: rows[0]!.Timestamp, InputTokens: 2 ** 40 });
  });

  it('binds arrays, nulls and epoch-millisecond times, and never lets a value change the query', async () => {
    const rows = await store.query<{ n: number }>(
      `SELECT count() AS n FROM otel_traces
       WHERE TraceId IN {ids:Array(String)} AND Timestamp >= fromUnixTimestamp64Milli({from:Int64})
         AND ifNull({missing:Nullable(String)}, 'none') = 'none'`,
      { ids: [trace, "x' OR 1=1 --"], from: 1763719200000, missing: null },
    );
    expect(rows).toEqual([{ n: 1 }]);
    const injected = await store.query<{ n: number }>(
      'SELECT count() AS n FROM otel_traces WHERE TraceId = {id:String}',
      {
        id: "' OR 1=1 --",
      },
    );
    expect(injected).toEqual([{ n: 0 }]);
  });

  it('feeds the trace-id lookup and the per-minute rollup through materialized views', async () => {
    const lookup = await store.query<{ Start: string }>(
      'SELECT Start FROM otel_traces_trace_id_ts WHERE TraceId = {trace:String}',
      {
        trace,
      },
    );
    expect(lookup).toEqual([{ Start: '2025-11-21T10:00:00.123456789Z' }]);
    const rollup = await store.query<{ requests: number; p50: number; tokens: number; costs: number }>(
      `SELECT sum(Requests) AS requests, quantilesDDMerge(0.01, 0.5, 0.95, 0.99)(LatencyMsQuantiles)[1] AS p50,
              sum(InputTokensSum) AS tokens, sum(CostCount) AS costs
       FROM llm_metrics_1m WHERE Environment = 'production' AND PromptName = 'store-test'`,
    );
    expect(rollup[0]?.requests).toBe(1);
    // quantilesDD guarantees 1% relative accuracy.
    expect(Math.abs((rollup[0]?.p50 ?? 0) / 2000 - 1)).toBeLessThanOrEqual(0.01);
    expect(rollup[0]?.tokens).toBe(12);
    expect(rollup[0]?.costs).toBe(0);
  });

  it('sets the retention TTL from configuration', async () => {
    await applyRetention(store, 7, 90);
    const [table] = await store.query<{ q: string }>(
      "SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = 'otel_traces'",
    );
    expect(table?.q).toMatch(/TTL toDateTime\(Timestamp\) \+ toIntervalDay\(7\)/);
  });

  it('reports engine errors as StoreError with the ClickHouse code', async () => {
    const failure = store.query('SELECT * FROM no_such_table');
    await expect(failure).rejects.toBeInstanceOf(StoreError);
    await expect(failure).rejects.toMatchObject({ clickhouseCode: 60 });
  });

  it.runIf(backend.name.startsWith('clickhouse-client'))('really went over HTTP', () => {
    expect(httpRequests?.()).toBeGreaterThan(5);
  });
});

describe('clickhouse backend in cluster mode', () => {
  it('inserts synchronously into Distributed tables and runs joins of them as GLOBAL', async () => {
    const dir = tempDataDir();
    const fixture = await startClickHouseFixture(dir);
    const store = new ClickHouseStore({
      url: fixture.url,
      username: fixture.user,
      password: fixture.password,
      database: 'default',
      cluster: 'tracelane',
    });
    await store.query('SELECT 1');
    expect(fixture.lastSettings).toMatchObject({
      distributed_foreground_insert: '1',
      distributed_product_mode: 'global',
      session_timezone: 'UTC',
    });
    await store.close();
    await fixture.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('clickhouse backend when the server is unreachable', () => {
  it('fails with a StoreError instead of hanging', async () => {
    const store = new ClickHouseStore({
      url: 'http://127.0.0.1:9',
      username: 'default',
      password: '',
      database: 'default',
    });
    await expect(store.query('SELECT 1')).rejects.toBeInstanceOf(StoreError);
    await store.close();
  });
});
