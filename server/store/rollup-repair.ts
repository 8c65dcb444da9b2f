import type { Logger } from '../log.js';
import type { DdlRenderer } from './cluster-ddl.js';
import { loadMigrations, type Migration } from './migrate.js';
import type { Store } from './store.js';

/**
 * The per-minute rollups are filled by materialized views as spans and scores are inserted; the rows and their
 * rollup are written one after the other, so a crash between the two (kill -9 of the embedded store) leaves raw rows
 * the rollup never counted, and charts and verdicts silently disagree with the raw data. At the start after a run
 * that did not stop cleanly (server-runs.ts), before anything is ingested, each rollup is compared with what its
 * view computes from the raw rows, minute by minute, over the last `hours`; every minute that differs is recomputed:
 * its rollup rows deleted and rebuilt from the raw rows.
 *
 * The comparison reads only the count column of the view's query (the engine prunes the other aggregates) over a
 * bounded window, so its cost does not grow with retention (`npm run bench:repair`); after a clean stop it is not
 * run at all. The view's query is taken from the migrations that
 * define it (`CREATE MATERIALIZED VIEW … TO <rollup> AS <select>`), so the repair computes exactly what the view
 * does, on both backends and through the cluster layout.
 */
export interface MinuteRollup {
  /** The rollup table. */
  table: string;
  /** A count column: its sum per minute tells whether every raw row was rolled up. */
  count: string;
}

export const MINUTE_ROLLUPS: readonly MinuteRollup[] = [
  { table: 'llm_metrics_1m', count: 'Requests' },
  { table: 'llm_embeddings_1m', count: 'Requests' },
  { table: 'llm_scores_1m', count: 'ScoreCount' },
];

export interface RepairOptions {
  hours: number;
  /** Minutes that started less than this long ago are left alone (other writers may still be inserting them). */
  settleMs: number;
  /** Renders ALTER statements for the cluster layout (cluster-ddl.ts); statements run as written without it. */
  render?: DdlRenderer;
  now?: number;
}

/** Repairs every minute rollup; returns the minutes recomputed per rollup (only those with any). */
export async function repairMinuteRollups(
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
  const window = { from: Math.floor((now - options.hours * 3600_000) / 1000), to: Math.floor(end / 1000) };
  for (const rollup of MINUTE_ROLLUPS) {
    const select = viewQuery(rollup.table, migrations);
    const minutes = await mismatchedMinutes(store, rollup, select, window);
    if (minutes.length === 0) continue;
    await recompute(store, rollup, select, minutes, options.render);
    repaired[rollup.table] = minutes.length;
    log.warn('rollup repaired: minutes whose rollup missed raw rows (an unclean shutdown) were recomputed', {
      rollup: rollup.table,
      minutes: minutes.length,
      first: new Date(minutes[0]! * 1000).toISOString(),
      last: new Date(minutes.at(-1)! * 1000).toISOString(),
    });
  }
  return repaired;
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

/** Minutes (epoch seconds) in the window where the view's count over raw rows differs from the rollup's. */
async function mismatchedMinutes(
  store: Store,
  { table, count }: MinuteRollup,
  select: string,
  window: { from: number; to: number },
): Promise<number[]> {
  if (window.to <= window.from) return [];
  const rows = await store.query<{ minute: number }>(
    `SELECT toUnixTimestamp(m) AS minute FROM (
       SELECT toDateTime(Minute) AS m, toInt64(sum(${count})) AS n FROM (${select})
       WHERE Minute >= toDateTime({from:UInt32}) AND Minute < toDateTime({to:UInt32}) GROUP BY m
       UNION ALL
       SELECT toDateTime(Minute) AS m, -toInt64(sum(${count})) AS n FROM ${table}
       WHERE Minute >= toDateTime({from:UInt32}) AND Minute < toDateTime({to:UInt32}) GROUP BY m
     ) GROUP BY m HAVING sum(n) != 0 ORDER BY m`,
    window,
  );
  return rows.map((r) => r.minute);
}

/**
 * Deletes the rollup rows of `minutes` (waiting for the mutation) and inserts them again from the view's query over
 * the raw rows. The insert names its columns, as the view does by matching names.
 */
async function recompute(
  store: Store,
  { table }: MinuteRollup,
  select: string,
  minutes: readonly number[],
  render: DdlRenderer = (statement) => [statement],
): Promise<void> {
  const params = { minutes, first: minutes[0], last: minutes.at(-1) };
  const inMinutes = `Minute >= toDateTime({first:UInt32}) AND Minute <= toDateTime({last:UInt32})
     AND toUnixTimestamp(Minute) IN {minutes:Array(UInt32)}`;
  for (const sql of render(`ALTER TABLE ${table} DELETE WHERE ${inMinutes} SETTINGS mutations_sync = 2`)) {
    await store.exec(sql, params);
  }
  const columns = (await store.query<{ name: string }>(`DESCRIBE TABLE (${select})`)).map((c) => c.name).join(', ');
  await store.exec(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM (${select}) WHERE ${inMinutes}`, params);
}
