import type { Logger } from '../log.js';
import type { DdlRenderer } from './cluster-ddl.js';
import { loadMigrations, type Migration } from './migrate.js';
import { ROLLUP_TIERS } from './rollup-tiers.js';
import type { Store } from './store.js';

/**
 * The per-minute rollups are filled by materialized views as spans and scores are inserted; the rows and their
 * rollup are written one after the other, so a crash between the two (kill -9 of the embedded store) leaves raw rows
 * the rollup never counted, and charts and verdicts silently disagree with the raw data. At the start after a run
 * that did not stop cleanly (server-runs.ts), before anything is ingested, each rollup is compared with what its
 * view computes from the raw rows, minute by minute, over the last `hours`; every minute that differs is recomputed:
 * its rollup rows deleted and rebuilt from the raw rows. The coarser tiers of the overview (rollup-tiers.ts), filled
 * from llm_metrics_1m by chained views, are then compared with llm_metrics_1m the same way, bucket by bucket: a
 * rebuilt minute reached them through their views on top of what they had counted of it, and a crash between the
 * two inserts leaves them short.
 *
 * The comparison reads only the count column of the view's query (the engine prunes the other aggregates) over a
 * bounded window, so its cost does not grow with retention (`npm run bench:repair`); after a clean stop it is not
 * run at all. The view's query is taken from the migrations that
 * define it (`CREATE MATERIALIZED VIEW … TO <rollup> AS <select>`), so the repair computes exactly what the view
 * does, on both backends and through the cluster layout. The trace-id lookup table, filled by a view the same way,
 * is checked over the same window: traces whose spans have no lookup row covering them get one.
 */
export interface Rollup {
  /** The rollup table. */
  table: string;
  /** A count column: its sum per bucket tells whether every source row was rolled up. */
  count: string;
  /** Its time column (the start of a bucket). */
  time: 'Minute' | 'Bucket';
  /** Bucket length in seconds. */
  seconds: number;
}

/** In repair order: a tier after the per-minute rollup it is filled from. */
export const ROLLUPS: readonly Rollup[] = [
  { table: 'llm_metrics_1m', count: 'Requests', time: 'Minute', seconds: 60 },
  { table: 'llm_embeddings_1m', count: 'Requests', time: 'Minute', seconds: 60 },
  { table: 'llm_scores_1m', count: 'ScoreCount', time: 'Minute', seconds: 60 },
  ...ROLLUP_TIERS.map((tier) => ({
    table: tier.table,
    count: 'Requests',
    time: 'Bucket' as const,
    seconds: tier.seconds,
  })),
];

export interface RepairOptions {
  hours: number;
  /** Buckets that end less than this long ago are left alone (other writers may still be inserting them). */
  settleMs: number;
  /** Renders ALTER statements for the cluster layout (cluster-ddl.ts); statements run as written without it. */
  render?: DdlRenderer;
  now?: number;
}

/**
 * Repairs every rollup and the trace-id lookup; returns the buckets recomputed per rollup and the traces added to the
 * lookup (keyed by table, only those with any).
 */
export async function repairRollups(
  store: Store,
  log: Logger,
  options: RepairOptions,
  migrations: readonly Migration[] = loadMigrations(),
): Promise<Record<string, number>> {
  const repaired: Record<string, number> = {};
  if (options.hours <= 0) return repaired;
  const now = options.now ?? Date.now();
  // Without other writers (settleMs 0) the window runs a day past now: clocks of span sources run ahead too.
  const end = options.settleMs > 0 ? now - options.settleMs : now + 24 * 3600_000;
  for (const rollup of ROLLUPS) {
    // Whole buckets only: one still open to other writers is left alone.
    const to = options.settleMs > 0 ? Math.floor(end / 1000 / rollup.seconds) * rollup.seconds : Math.floor(end / 1000);
    const window = { from: Math.floor((now - options.hours * 3600_000) / 1000), to };
    const select = viewQuery(rollup.table, migrations);
    const buckets = await mismatchedBuckets(store, rollup, select, window);
    if (buckets.length === 0) continue;
    await recompute(store, rollup, select, buckets, options.render);
    repaired[rollup.table] = buckets.length;
    log.warn('rollup repaired: buckets whose rollup missed source rows (an unclean shutdown) were recomputed', {
      rollup: rollup.table,
      buckets: buckets.length,
      first: new Date(buckets[0]! * 1000).toISOString(),
      last: new Date(buckets.at(-1)! * 1000).toISOString(),
    });
  }
  const window = { from: Math.floor((now - options.hours * 3600_000) / 1000), to: Math.floor(end / 1000) };
  const traces = await repairTraceIdLookup(store, window);
  if (traces > 0) {
    repaired[TRACE_ID_LOOKUP] = traces;
    log.warn(
      'trace-id lookup repaired: traces whose spans landed without their lookup rows (an unclean shutdown) were added',
      {
        table: TRACE_ID_LOOKUP,
        traces,
      },
    );
  }
  return repaired;
}

/** The trace-id lookup (which time range holds a trace), fed from otel_traces by otel_traces_trace_id_ts_mv. */
export const TRACE_ID_LOOKUP = 'otel_traces_trace_id_ts';

/**
 * The same crash can leave spans without the lookup row its view writes, and a trace is opened by id only through
 * that row (server/traces/get-trace.ts). Every trace with spans in the window whose lookup rows are missing or do not
 * cover those spans' time range gets a lookup row for it (the span range within the window); lookup rows are only
 * read as min(Start)…max(End) per trace, so an added row never hides another. Lookup rows are compared from a day
 * before the window (a trace may have started earlier). Returns the traces added.
 */
async function repairTraceIdLookup(store: Store, window: { from: number; to: number }): Promise<number> {
  if (window.to <= window.from) return 0;
  const missing = `SELECT raw.TraceId AS TraceId, raw.SpanStart AS Start, raw.SpanEnd AS End FROM (
       SELECT TraceId, min(Timestamp) AS SpanStart, max(Timestamp) AS SpanEnd FROM otel_traces
       WHERE Timestamp >= toDateTime({from:UInt32}) AND Timestamp < toDateTime({to:UInt32}) AND TraceId != ''
       GROUP BY TraceId
     ) AS raw
     LEFT JOIN (
       SELECT TraceId, min(Start) AS KnownStart, max(End) AS KnownEnd FROM ${TRACE_ID_LOOKUP}
       WHERE Start >= toDateTime({from:UInt32}) - INTERVAL 1 DAY
       GROUP BY TraceId
     ) AS known ON raw.TraceId = known.TraceId
     WHERE known.TraceId = '' OR raw.SpanStart < known.KnownStart OR raw.SpanEnd > known.KnownEnd`;
  const [found] = await store.query<{ n: number }>(`SELECT toUInt64(count()) AS n FROM (${missing})`, window);
  const traces = Number(found?.n ?? 0);
  if (traces > 0) await store.exec(`INSERT INTO ${TRACE_ID_LOOKUP} (TraceId, Start, End) ${missing}`, window);
  return traces;
}

/** The SELECT of the newest materialized view that writes into `table`, as the migrations define it. */
export function viewQuery(table: string, migrations: readonly Migration[]): string {
  const view = /^CREATE\s+MATERIALIZED\s+VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?\w+\s+TO\s+(\w+)\s+AS\s+([\s\S]+)$/i;
  const selects = migrations
    .flatMap((m) => m.statements)
    .flatMap((statement) => {
      const match = view.exec(statement.trim());
      return match?.[1] === table && match[2] ? [match[2]] : [];
    });
  const select = selects.at(-1);
  if (select === undefined) throw new Error(`no materialized view writes into ${table}`);
  return select;
}

/** Buckets (epoch seconds) in the window where the view's count over its source differs from the rollup's. */
async function mismatchedBuckets(
  store: Store,
  { table, count, time }: Rollup,
  select: string,
  window: { from: number; to: number },
): Promise<number[]> {
  if (window.to <= window.from) return [];
  const rows = await store.query<{ bucket: number }>(
    `SELECT toUnixTimestamp(m) AS bucket FROM (
       SELECT toDateTime(${time}) AS m, toInt64(sum(${count})) AS n FROM (${select})
       WHERE ${time} >= toDateTime({from:UInt32}) AND ${time} < toDateTime({to:UInt32}) GROUP BY m
       UNION ALL
       SELECT toDateTime(${time}) AS m, -toInt64(sum(${count})) AS n FROM ${table}
       WHERE ${time} >= toDateTime({from:UInt32}) AND ${time} < toDateTime({to:UInt32}) GROUP BY m
     ) GROUP BY m HAVING sum(n) != 0 ORDER BY m`,
    window,
  );
  return rows.map((r) => r.bucket);
}

/**
 * Deletes the rollup rows of `buckets` (waiting for the mutation) and inserts them again from the view's query over
 * its source. The insert names its columns, as the view does by matching names.
 */
async function recompute(
  store: Store,
  { table, time }: Rollup,
  select: string,
  buckets: readonly number[],
  render: DdlRenderer = (statement) => [statement],
): Promise<void> {
  const params = { buckets, first: buckets[0], last: buckets.at(-1) };
  const inBuckets = `${time} >= toDateTime({first:UInt32}) AND ${time} <= toDateTime({last:UInt32})
     AND toUnixTimestamp(${time}) IN {buckets:Array(UInt32)}`;
  for (const sql of render(`ALTER TABLE ${table} DELETE WHERE ${inBuckets} SETTINGS mutations_sync = 2`)) {
    await store.exec(sql, params);
  }
  const columns = (await store.query<{ name: string }>(`DESCRIBE TABLE (${select})`)).map((c) => c.name).join(', ');
  await store.exec(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM (${select}) WHERE ${inBuckets}`, params);
}
