import { mkdirSync } from 'node:fs';
import { Session } from 'chdb';
import { SESSION_SETTINGS, StoreError, toJsonEachRow, type Params, type Store } from './store.js';

/** The embedded store: ClickHouse running inside this process on a local data folder. */
export class ChdbStore implements Store {
  readonly backend = 'chdb';
  private readonly session: Session;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    const args = Object.entries(SESSION_SETTINGS).map(([k, v]) => `--${k}=${v}`);
    this.session = new Session(dataDir, { connectionArgs: args });
  }

  async query<T>(sql: string, params: Params = {}): Promise<T[]> {
    const result = await this.run(() =>
      this.session.queryBindAsync(sql, params, { format: 'JSONEachRow' }),
    );
    const text = result.text();
    if (text === '') return [];
    return text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as T);
  }

  async insert(table: string, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    const values = Buffer.from(toJsonEachRow(rows));
    await this.run(() => this.session.insert({ table, values, format: 'JSONEachRow' }));
  }

  async exec(sql: string, params: Params = {}): Promise<void> {
    await this.run(() => this.session.queryBindAsync(sql, params));
  }

  close(): Promise<void> {
    this.session.close();
    return Promise.resolve();
  }

  private async run<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      const code = (err as { clickhouseCode?: number }).clickhouseCode;
      throw new StoreError((err as Error).message, code, { cause: err });
    }
  }
}
