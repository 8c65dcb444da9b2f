/**
 * The storage interface every module above the store uses. Two implementations run the same SQL text:
 * chDB in-process (chdb-store.ts) and a ClickHouse server over HTTP (clickhouse-store.ts).
 *
 * Conventions every query follows, so both backends behave the same:
 * - values are bound as `{name:Type}` parameters, never spliced into SQL text;
 * - times are bound as epoch milliseconds (`fromUnixTimestamp64Milli({from:Int64})`), because DateTime64
 *   parameters do not accept ISO strings with a zone;
 * - results come back as JSON rows with 64-bit integers as numbers and DateTime values as ISO-8601 UTC strings.
 */
export type Params = Record<string, unknown>;

export interface Store {
  readonly backend: 'chdb' | 'clickhouse';
  /** Runs a SELECT and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T[]>;
  /**
   * Inserts rows (objects keyed by column name) as one batch. With `columns` — the name and type of every value
   * each row carries, and nothing else — a backend may ship the batch in ClickHouse's binary Native format instead
   * of JSON (the embedded store does: it is several times cheaper for the engine to read). Rows must then hold
   * each value in the form JSON would also carry: DateTime64(9) as decimal nanosecond text, maps as string→string
   * objects, nullable numbers as null.
   */
  insert(table: string, rows: readonly object[], columns?: readonly Column[]): Promise<void>;
  /** Optional (the embedded store): inserts blocks already in Native format (native-format.ts) as one insert. */
  insertNative?(table: string, columns: readonly Column[], blocks: readonly Uint8Array[]): Promise<void>;
  /** Runs a statement that returns nothing (DDL, ALTER, INSERT … SELECT). */
  exec(sql: string, params?: Params): Promise<void>;
  close(): Promise<void>;
}

/** The column types a typed insert can declare: plain forms, which the engine converts to the table's types. */
export type ColumnType =
  | 'String'
  | 'UInt8'
  | 'UInt64'
  | 'Float64'
  | 'Nullable(UInt64)'
  | 'Nullable(Float64)'
  | 'DateTime64(9)'
  | 'Array(String)'
  | 'Array(DateTime64(9))'
  | 'Map(String, String)'
  | 'Array(Map(String, String))';

export interface Column {
  name: string;
  type: ColumnType;
}

/** A failure of the storage backend (unreachable server, query error). Mapped to HTTP 503 or 500 above. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly clickhouseCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** Settings applied to every session on both backends. */
export const SESSION_SETTINGS = {
  session_timezone: 'UTC',
  output_format_json_quote_64bit_integers: 0,
  date_time_output_format: 'iso',
  date_time_input_format: 'best_effort',
} as const;

/** Serialises rows as JSONEachRow, the format both backends insert. */
export function toJsonEachRow(rows: readonly object[]): string {
  let out = '';
  for (const row of rows) out += JSON.stringify(row) + '\n';
  return out;
}
