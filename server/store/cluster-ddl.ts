/**
 * Cluster mode (CLICKHOUSE_CLUSTER): renders each migration statement into its form for a sharded, replicated
 * ClickHouse cluster, so the migrations and every query above the store stay written once.
 *
 * - `CREATE TABLE t … ENGINE = XMergeTree(args)` becomes `t_local` ON CLUSTER with
 *   `ReplicatedXMergeTree('/clickhouse/tables/{shard}/{database}/t_local', '{replica}', args)`, plus a
 *   `Distributed` table named `t` over it — queries and inserts keep using `t`.
 * - `CREATE MATERIALIZED VIEW v TO t AS SELECT … FROM s` runs ON CLUSTER, reads `s_local` and writes `t_local`,
 *   so every shard rolls up its own spans; queries aggregate the shards through the Distributed tables.
 * - `ALTER TABLE t` goes to `t_local` ON CLUSTER; column changes also go to the Distributed `t`.
 * - `DROP VIEW v` (a materialized view being replaced) runs ON CLUSTER.
 *
 * `replicated: false` renders the same layout without replication and without ON CLUSTER (run on each node);
 * the test suite executes that form on chDB with a one-shard cluster.
 */
export type DdlRenderer = (statement: string) => string[];

export interface ClusterDdlOptions {
  cluster: string;
  replicated: boolean;
}

/** Rows that must meet on one shard: a trace's spans (trace lookups, score joins). Others follow the rule below. */
const SHARDING_KEYS: Record<string, string> = {
  otel_traces: 'cityHash64(TraceId)',
  otel_traces_trace_id_ts: 'cityHash64(TraceId)',
  scores: 'cityHash64(trace_id)',
  span_log_events: 'cityHash64(TraceId)',
};

const CLUSTER_NAME = /^[\w.{}-]+$/;
const COLUMN_ALTER = /^(ADD|DROP|MODIFY|RENAME|COMMENT)\s+COLUMN\b/i;

/** The renderer for the configured cluster, or undefined when CLICKHOUSE_CLUSTER is empty (plain statements). */
export function ddlRendererFor(config: { CLICKHOUSE_CLUSTER: string }): DdlRenderer | undefined {
  if (config.CLICKHOUSE_CLUSTER === '') return undefined;
  return clusterDdlRenderer({ cluster: config.CLICKHOUSE_CLUSTER, replicated: true });
}

export function clusterDdlRenderer(options: ClusterDdlOptions): DdlRenderer {
  if (!CLUSTER_NAME.test(options.cluster)) {
    throw new Error(`CLICKHOUSE_CLUSTER: "${options.cluster}" is not a cluster name (letters, digits, _ . - {})`);
  }
  const onCluster = options.replicated ? ` ON CLUSTER '${options.cluster}'` : '';
  return (statement) => {
    const sql = statement.trim();
    if (/^CREATE\s+TABLE\b/i.test(sql)) return renderCreateTable(sql, options, onCluster);
    if (/^CREATE\s+MATERIALIZED\s+VIEW\b/i.test(sql)) return [renderMaterializedView(sql, onCluster)];
    if (/^CREATE\s+VIEW\b/i.test(sql))
      return [sql.replace(/^CREATE\s+VIEW\s+(IF\s+NOT\s+EXISTS\s+)?\w+/i, (m) => m + onCluster)];
    if (/^ALTER\s+TABLE\b/i.test(sql)) return renderAlter(sql, onCluster);
    if (/^DROP\s+VIEW\b/i.test(sql)) return [sql.replace(/^DROP\s+VIEW\s+(IF\s+EXISTS\s+)?\w+/i, (m) => m + onCluster)];
    if (/^INSERT\s+INTO\b/i.test(sql)) return [sql];
    throw new Error(`cluster mode cannot render this statement: ${sql.slice(0, 80)}`);
  };
}

export const localName = (table: string): string => `${table}_local`;

function renderCreateTable(sql: string, options: ClusterDdlOptions, onCluster: string): string[] {
  const head = /^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\(/i.exec(sql);
  if (!head) throw new Error(`cluster mode expects CREATE TABLE [IF NOT EXISTS] <name> (…): ${sql.slice(0, 80)}`);
  const ifNotExists = head[1] ? 'IF NOT EXISTS ' : '';
  const table = head[2] as string;
  const columnsEnd = closingParen(sql, head[0].length - 1);
  const columns = sql.slice(head[0].length - 1, columnsEnd + 1);
  const rest = sql.slice(columnsEnd + 1);
  const engine = /^\s*ENGINE\s*=\s*(\w*MergeTree)(?:\s*\(([^()]*)\))?/i.exec(rest);
  if (!engine) throw new Error(`cluster mode supports only MergeTree-family tables: ${table}`);
  const engineName = engine[1] as string;
  const engineArgs = (engine[2] ?? '').trim();
  const clauses = rest.slice(engine[0].length);

  const local = localName(table);
  const localEngine = options.replicated
    ? `Replicated${engineName}(${[`'/clickhouse/tables/{shard}/{database}/${local}'`, `'{replica}'`, engineArgs].filter((a) => a !== '').join(', ')})`
    : `${engineName}${engineArgs === '' ? '' : `(${engineArgs})`}`;
  const key = SHARDING_KEYS[table] ?? defaultShardingKey(engineName, clauses);
  return [
    `CREATE TABLE ${ifNotExists}${local}${onCluster} ${columns}\nENGINE = ${localEngine}${clauses}`,
    `CREATE TABLE ${ifNotExists}${table}${onCluster} AS ${local}\n` +
      `ENGINE = Distributed('${options.cluster}', currentDatabase(), ${local}, ${key})`,
  ];
}

/**
 * Rows that engines merge (Replacing, Aggregating, Summing, Collapsing) must share a shard with the rows of the same
 * sorting key, so those tables shard by a hash of it; plain MergeTree tables spread at random.
 */
function defaultShardingKey(engineName: string, clauses: string): string {
  if (/^MergeTree$/i.test(engineName)) return 'rand()';
  const orderBy = /\bORDER\s+BY\s+/i.exec(clauses);
  if (!orderBy) throw new Error(`cluster mode needs an ORDER BY to shard a ${engineName} table`);
  const start = orderBy.index + orderBy[0].length;
  const expr =
    clauses[start] === '('
      ? clauses.slice(start + 1, closingParen(clauses, start))
      : (/^[^\n]+/.exec(clauses.slice(start)) as RegExpExecArray)[0].trim();
  return `cityHash64(${expr})`;
}

function renderMaterializedView(sql: string, onCluster: string): string {
  const head = /^CREATE\s+MATERIALIZED\s+VIEW\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s+TO\s+(\w+)\s+AS\s+/i.exec(sql);
  if (!head) throw new Error(`cluster mode supports only materialized views with TO <table>: ${sql.slice(0, 80)}`);
  const select = sql
    .slice(head[0].length)
    .replace(/\b(FROM|JOIN)\s+(\w+)\b(?!\s*[.(])/gi, (_m, kw: string, t: string) => `${kw} ${localName(t)}`);
  return `CREATE MATERIALIZED VIEW ${head[1] ? 'IF NOT EXISTS ' : ''}${head[2]}${onCluster} TO ${localName(head[3] as string)} AS\n${select}`;
}

function renderAlter(sql: string, onCluster: string): string[] {
  const head = /^ALTER\s+TABLE\s+(\w+)\s+/i.exec(sql);
  if (!head) throw new Error(`cluster mode expects ALTER TABLE <name> …: ${sql.slice(0, 80)}`);
  const table = head[1] as string;
  const command = sql.slice(head[0].length);
  const local = `ALTER TABLE ${localName(table)}${onCluster} ${command}`;
  return COLUMN_ALTER.test(command) ? [local, `ALTER TABLE ${table}${onCluster} ${command}`] : [local];
}

/** Index of the parenthesis closing the one at `open`, skipping quoted strings. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < text.length; i++) {
    const c = text[i] as string;
    if (quote !== '') {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '`' || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  throw new Error(`unbalanced parentheses in: ${text.slice(0, 80)}`);
}
