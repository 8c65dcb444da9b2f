import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { SESSION_SETTINGS, StoreError, type Params, type Store } from './store.js';

export interface ClickHouseOptions {
  url: string;
  username: string;
  password: string;
  database: string;
  /** Set in cluster mode (CLICKHOUSE_CLUSTER): the tables are Distributed over replicated local tables. */
  cluster?: string;
}

/**
 * Settings for Distributed tables: an insert returns only once the rows are on their shards (so a 200 from the
 * collector and a registry write mean "stored"), and a JOIN or IN over two Distributed tables is run as GLOBAL.
 */
const CLUSTER_SETTINGS = { distributed_foreground_insert: 1, distributed_product_mode: 'global' } as const;

/** The server store: a ClickHouse server or cluster reached with the official client over HTTP. */
export class ClickHouseStore implements Store {
  readonly backend = 'clickhouse';
  private readonly client: ClickHouseClient;

  constructor(options: ClickHouseOptions) {
    this.client = createClient({
      url: options.url,
      username: options.username,
      password: options.password,
      database: options.database,
      clickhouse_settings: { ...SESSION_SETTINGS, async_insert: 0, ...(options.cluster ? CLUSTER_SETTINGS : {}) },
      request_timeout: 60_000,
    });
  }

  async query<T>(sql: string, params: Params = {}): Promise<T[]> {
    return this.run(async () => {
      const result = await this.client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
      return result.json<T>();
    });
  }

  async insert(table: string, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    await this.run(() => this.client.insert({ table, values: rows, format: 'JSONEachRow' }));
  }

  async exec(sql: string, params: Params = {}): Promise<void> {
    await this.run(() => this.client.command({ query: sql, query_params: params }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async run<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      const code = Number((err as { code?: string }).code);
      throw new StoreError((err as Error).message, Number.isFinite(code) ? code : undefined, { cause: err });
    }
  }
}
