import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterDdlRenderer, ddlRendererFor, localName } from '../../server/store/cluster-ddl.js';
import { applyRetention, loadMigrations, migrate } from '../../server/store/migrate.js';
import type { Store } from '../../server/store/store.js';
import { silentLogger } from '../../server/log.js';
import { repairRollups } from '../../server/store/rollup-repair.js';
import { tempDataDir } from '../helpers/tracelane.js';
import { damageRollups, rollupTotals } from '../store/crash-scenario.js';
import { openChdbClusterStore, TEST_CLUSTER } from './chdb-cluster-store.js';

const render = clusterDdlRenderer({ cluster: 'prod', replicated: true });
const migrations = loadMigrations();
const allStatements = migrations.flatMap((m) => m.statements.map((statement) => ({ file: m.name, statement })));
const tableOf = (sql: string) => /^CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)/i.exec(sql)?.[1];
const createdTables = allStatements.map((s) => tableOf(s.statement)).filter((t): t is string => t !== undefined);

/** Records what migrate() and applyRetention() would run, answering the migrations-table read with no rows. */
function recordingStore(): Store & { statements: string[] } {
  const statements: string[] = [];
  return {
    backend: 'clickhouse',
    statements,
    query: () => Promise.resolve([]),
    insert: () => Promise.resolve(),
    exec: (sql: string) => {
      statements.push(sql);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

let store: Store;
let dataDir: string;
beforeAll(() => {
  dataDir = tempDataDir('tracelane-cluster-');
  store = openChdbClusterStore(dataDir);
});
afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('cluster DDL rendering (replicated, ON CLUSTER)', () => {
  it('covers tables, views and rollups in the migrations', () => {
    expect(createdTables).toEqual(expect.arrayContaining(['otel_traces', 'llm_metrics_1m', 'deployment_events']));
  });

  it('renders every statement of every migration into SQL that ClickHouse parses', async () => {
    const rendered = [...allStatements.map((s) => s.statement), ...(await migrateStatements())].flatMap(render);
    for (const sql of rendered) {
      expect(sql, sql).toMatch(/ON CLUSTER 'prod'/);
      const [row] = await store.query<{ f: string }>('SELECT formatQuery({sql:String}) AS f', { sql });
      expect(row?.f, sql).toBeTruthy();
    }
  });

  it.each(createdTables)('%s: a replicated local table and a Distributed table under the original name', (table) => {
    const statement = allStatements.find((s) => tableOf(s.statement) === table)?.statement ?? '';
    const engine = /ENGINE\s*=\s*(\w+)(?:\(([^()]*)\))?/.exec(statement);
    const [local, distributed] = render(statement);
    const args = engine?.[2] ? `, ${engine[2]}` : '';
    expect(local).toMatch(new RegExp(`^CREATE TABLE IF NOT EXISTS ${table}_local ON CLUSTER 'prod' \\(`));
    expect(local).toContain(
      `ENGINE = Replicated${engine?.[1]}('/clickhouse/tables/{shard}/{database}/${table}_local', '{replica}'${args})`,
    );
    expect(distributed).toMatch(
      new RegExp(
        `^CREATE TABLE IF NOT EXISTS ${table} ON CLUSTER 'prod' AS ${table}_local\\n` +
          `ENGINE = Distributed\\('prod', currentDatabase\\(\\), ${table}_local, .+\\)$`,
      ),
    );
    // PARTITION BY, ORDER BY, TTL and SETTINGS stay on the table that holds the data.
    for (const clause of ['PARTITION BY', 'ORDER BY', 'TTL', 'SETTINGS']) {
      if (statement.includes(`\n${clause}`)) expect(local).toContain(`\n${clause}`);
      expect(distributed).not.toContain(clause);
    }
  });

  it('shards spans by trace, merged engines by their sorting key, plain logs at random', () => {
    const key = (table: string) =>
      / (\S+)\)$/.exec(
        render(allStatements.find((s) => tableOf(s.statement) === table)?.statement ?? '')[1] ?? '',
      )?.[1];
    expect(key('otel_traces')).toBe('cityHash64(TraceId)');
    expect(key('otel_traces_trace_id_ts')).toBe('cityHash64(TraceId)');
    expect(render(allStatements.find((s) => tableOf(s.statement) === 'prompt_versions')!.statement)[1]).toMatch(
      /prompt_versions_local, cityHash64\(prompt, version\)\)$/,
    );
    expect(render(allStatements.find((s) => tableOf(s.statement) === 'prompts')!.statement)[1]).toMatch(
      /prompts_local, cityHash64\(name\)\)$/,
    );
    expect(key('deployment_events')).toBe('rand()');
  });

  it('turns materialized views into per-shard views from local source to local target', () => {
    const views = allStatements.filter((s) => /^CREATE MATERIALIZED VIEW/i.test(s.statement));
    expect(views.length).toBeGreaterThanOrEqual(2);
    for (const { statement } of views) {
      const [sql, ...more] = render(statement);
      expect(more).toEqual([]);
      const target = /\bTO\s+(\w+)/.exec(statement)?.[1] ?? '';
      const sources = [...statement.matchAll(/\b(?:FROM|JOIN)\s+(\w+)/gi)].map((m) => m[1] ?? '');
      expect(sql).toMatch(new RegExp(` ON CLUSTER 'prod' TO ${target}_local AS\\n`));
      for (const source of sources) expect(sql).toMatch(new RegExp(`\\b(FROM|JOIN) ${source}_local\\b`));
      expect(createdTables).toEqual(expect.arrayContaining([target, ...sources]));
    }
  });

  it('sends retention ALTERs to the local tables ON CLUSTER', async () => {
    const recorder = recordingStore();
    await applyRetention(recorder, 7, 90, render);
    expect(recorder.statements).toEqual([
      "ALTER TABLE otel_traces_local ON CLUSTER 'prod' MODIFY TTL toDateTime(Timestamp) + toIntervalDay(7)",
      "ALTER TABLE otel_traces_trace_id_ts_local ON CLUSTER 'prod' MODIFY TTL toDateTime(Start) + toIntervalDay(7)",
      "ALTER TABLE span_log_events_local ON CLUSTER 'prod' MODIFY TTL toDateTime(Timestamp) + toIntervalDay(7)",
      "ALTER TABLE llm_metrics_1m_local ON CLUSTER 'prod' MODIFY TTL toDateTime(Minute) + toIntervalDay(90)",
      "ALTER TABLE llm_embeddings_1m_local ON CLUSTER 'prod' MODIFY TTL toDateTime(Minute) + toIntervalDay(90)",
      "ALTER TABLE llm_metrics_10m_local ON CLUSTER 'prod' MODIFY TTL toDateTime(Bucket) + toIntervalDay(90)",
      "ALTER TABLE llm_metrics_1h_local ON CLUSTER 'prod' MODIFY TTL toDateTime(Bucket) + toIntervalDay(90)",
    ]);
  });

  it('drops a materialized view being replaced ON CLUSTER', () => {
    expect(render('DROP VIEW IF EXISTS llm_metrics_1m_mv')).toEqual([
      "DROP VIEW IF EXISTS llm_metrics_1m_mv ON CLUSTER 'prod'",
    ]);
  });

  it('changes columns on both the local and the Distributed table, other ALTERs on the local one', () => {
    expect(render('ALTER TABLE scores ADD COLUMN IF NOT EXISTS note String')).toEqual([
      "ALTER TABLE scores_local ON CLUSTER 'prod' ADD COLUMN IF NOT EXISTS note String",
      "ALTER TABLE scores ON CLUSTER 'prod' ADD COLUMN IF NOT EXISTS note String",
    ]);
    expect(render('ALTER TABLE scores ADD INDEX IF NOT EXISTS idx value TYPE minmax')).toEqual([
      "ALTER TABLE scores_local ON CLUSTER 'prod' ADD INDEX IF NOT EXISTS idx value TYPE minmax",
    ]);
  });

  it('refuses what it cannot render instead of guessing', () => {
    expect(() => render('CREATE TABLE IF NOT EXISTS t (a UInt8) ENGINE = Memory')).toThrow(/MergeTree-family/);
    expect(() => render('CREATE MATERIALIZED VIEW v ENGINE = MergeTree ORDER BY a AS SELECT 1')).toThrow(/TO <table>/);
    expect(() => render('OPTIMIZE TABLE otel_traces FINAL')).toThrow(/cannot render/);
    expect(() => clusterDdlRenderer({ cluster: "x' --", replicated: true })).toThrow(/CLICKHOUSE_CLUSTER/);
  });

  it('is off without CLICKHOUSE_CLUSTER: migrations run exactly as written', async () => {
    expect(ddlRendererFor({ CLICKHOUSE_CLUSTER: '' })).toBeUndefined();
    const recorder = recordingStore();
    await migrate(recorder, migrations, ddlRendererFor({ CLICKHOUSE_CLUSTER: '' }));
    expect(recorder.statements.slice(1)).toEqual(allStatements.map((s) => s.statement));
  });
});

describe('cluster layout executed on chDB (one shard, without replication)', () => {
  const local = clusterDdlRenderer({ cluster: TEST_CLUSTER, replicated: false });

  it('applies every migration twice and retention, as start-up does', async () => {
    expect(await migrate(store, migrations, local)).toEqual(migrations.map((m) => m.name));
    expect(await migrate(store, migrations, local)).toEqual([]);
    await applyRetention(store, 7, 90, local);
    const engines = await store.query<{ name: string; engine: string }>(
      'SELECT name, engine FROM system.tables WHERE database = currentDatabase() ORDER BY name',
    );
    const engineOf = new Map(engines.map((t) => [t.name, t.engine]));
    for (const table of [...createdTables, 'tracelane_migrations']) {
      expect(engineOf.get(table), table).toBe('Distributed');
      expect(engineOf.get(localName(table)), table).toMatch(/MergeTree$/);
    }
  });

  it('stores spans through the Distributed table and rolls them up per shard', async () => {
    const minute = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000; // inside the 7-day retention
    const span = (i: number) => ({
      Timestamp: new Date(minute + i * 1000).toISOString(),
      TraceId: `trace-${i}`,
      SpanId: `span-${i}`,
      SpanName: 'chat gpt-4o-mini',
      Duration: (100 + i) * 1e6,
      Environment: 'production',
      PromptName: 'cluster-test',
      PromptVersion: '1',
      Model: 'gpt-4o-mini',
      IsGeneration: 1,
      CostUsd: 0.001,
      Quality: i % 2,
    });
    await store.insert(
      'otel_traces',
      Array.from({ length: 10 }, (_, i) => span(i)),
    );

    const [rollup] = await store.query<{ requests: number; quality: number; p50: number }>(
      `SELECT sum(Requests) AS requests, sum(QualitySum) / sum(QualityCount) AS quality,
              quantilesDDMerge(0.01, 0.5, 0.95, 0.99)(LatencyMsQuantiles)[2] AS p50
       FROM llm_metrics_1m WHERE PromptName = {prompt:String}`,
      { prompt: 'cluster-test' },
    );
    expect(rollup).toMatchObject({ requests: 10, quality: 0.5 });
    expect(rollup?.p50).toBeGreaterThan(100);
    const [lookup] = await store.query<{ n: number }>(
      "SELECT count() AS n FROM otel_traces_trace_id_ts WHERE TraceId = 'trace-3'",
    );
    expect(lookup?.n).toBe(1);
  });
});

describe('rollup repair on the cluster layout', () => {
  it('recomputes damaged minutes: the delete goes to the local tables, the rebuild through the Distributed ones', async () => {
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000; // inside the 7-day retention
    await damageRollups(store, 'cluster-repair', minute);
    expect(await rollupTotals(store, 'cluster-repair')).toEqual({
      spans: 20,
      requests: 10,
      scores: 5,
      scored: 2,
      tier10m: 10,
      tier1h: 10,
    });
    const local = clusterDdlRenderer({ cluster: TEST_CLUSTER, replicated: false });
    const repaired = await repairRollups(store, silentLogger, { hours: 24, settleMs: 0, render: local });
    expect(repaired).toMatchObject({ llm_metrics_1m: 2, llm_scores_1m: 1, otel_traces_trace_id_ts: 10 });
    expect(Object.keys(repaired).sort()).toEqual([
      'llm_metrics_10m',
      'llm_metrics_1h',
      'llm_metrics_1m',
      'llm_scores_1m',
      'otel_traces_trace_id_ts',
    ]);
    expect(await rollupTotals(store, 'cluster-repair')).toEqual({
      spans: 20,
      requests: 20,
      scores: 5,
      scored: 5,
      tier10m: 20,
      tier1h: 20,
    });
  });
});

async function migrateStatements(): Promise<string[]> {
  const recorder = recordingStore();
  await migrate(recorder, []);
  await applyRetention(recorder, 30, 395);
  return recorder.statements;
}
