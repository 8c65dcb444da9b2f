import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DdlRenderer } from './cluster-ddl.js';
import type { Store } from './store.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/**
 * Forward-only numbered migrations: `migrations/NNN_name.sql`, statements separated by a `;` at the end of a line.
 * Every statement must be idempotent (`IF NOT EXISTS`, `ADD COLUMN IF NOT EXISTS`): that is what makes running
 * them twice, or from two processes at once, safe — ClickHouse has no transactions to lean on.
 */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file.replace(/\.sql$/, ''),
      statements: splitStatements(readFileSync(dir + file, 'utf8')),
    }));
}

function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Without CLICKHOUSE_CLUSTER every statement runs exactly as written; with it, as cluster-ddl.ts renders it. */
const asIs: DdlRenderer = (statement) => [statement];

/** Applies the migrations not yet recorded, in order; returns the names of those it applied. */
export async function migrate(store: Store, migrations = loadMigrations(), render = asIs): Promise<string[]> {
  await execRendered(
    store,
    render,
    `CREATE TABLE IF NOT EXISTS tracelane_migrations (
      version UInt32, name String, applied_at DateTime64(3) DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree ORDER BY version`,
  );
  const done = new Set(
    (await store.query<{ version: number }>('SELECT DISTINCT version FROM tracelane_migrations')).map((r) => r.version),
  );
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    for (const statement of migration.statements) await execRendered(store, render, statement);
    await store.insert('tracelane_migrations', [{ version: migration.version, name: migration.name }]);
    applied.push(migration.name);
  }
  return applied;
}

/** Sets the time-to-live of spans and rollups from the configuration; run at every start-up (cheap, idempotent). */
export async function applyRetention(store: Store, spanDays: number, rollupDays: number, render = asIs): Promise<void> {
  const ttl = (column: string, days: number) => `MODIFY TTL toDateTime(${column}) + toIntervalDay(${Math.trunc(days)})`;
  await execRendered(store, render, `ALTER TABLE otel_traces ${ttl('Timestamp', spanDays)}`);
  await execRendered(store, render, `ALTER TABLE otel_traces_trace_id_ts ${ttl('Start', spanDays)}`);
  await execRendered(store, render, `ALTER TABLE span_log_events ${ttl('Timestamp', spanDays)}`);
  await execRendered(store, render, `ALTER TABLE llm_metrics_1m ${ttl('Minute', rollupDays)}`);
  await execRendered(store, render, `ALTER TABLE llm_embeddings_1m ${ttl('Minute', rollupDays)}`);
  for (const tier of ['llm_metrics_10m', 'llm_metrics_1h']) {
    await execRendered(store, render, `ALTER TABLE ${tier} ${ttl('Bucket', rollupDays)}`);
  }
}

async function execRendered(store: Store, render: DdlRenderer, statement: string): Promise<void> {
  for (const sql of render(statement)) await store.exec(sql);
}
