import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { encodeNative } from './native-format.js';
import { SESSION_SETTINGS, StoreError, toJsonEachRow, type Column, type Params, type Store } from './store.js';

/**
 * Skip indexes (the span table's bloom filters) are built when parts merge rather than on every insert: it saves a
 * quarter of the insert's CPU (measured ~1.5 µs per span row), and a part not yet merged is small and young, so a
 * query merely reads it without index pruning. Results are the same either way.
 */
const INSERT_SETTINGS = 'SETTINGS materialize_skip_indexes_on_insert = 0';

/** The embedded store: ClickHouse running inside this process on a local data folder. */
export class ChdbStore implements Store {
  readonly backend = 'chdb';
  private readonly session: Session;
  private insertDir: string | undefined;
  private insertFiles = 0;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    const args = Object.entries(SESSION_SETTINGS).map(([k, v]) => `--${k}=${v}`);
    this.session = new Session(dataDir, { connectionArgs: args });
  }

  async query<T>(sql: string, params: Params = {}): Promise<T[]> {
    const result = await this.run(() => this.session.queryBindAsync(sql, params, { format: 'JSONEachRow' }));
    const text = result.text();
    if (text === '') return [];
    return text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as T);
  }

  async insert(table: string, rows: readonly object[], columns?: readonly Column[]): Promise<void> {
    if (rows.length === 0) return;
    if (columns) return this.insertNative(table, columns, [encodeNative(columns, rows)]);
    const values = Buffer.from(toJsonEachRow(rows));
    await this.run(() => this.session.insert({ table, values, format: 'JSONEachRow' }));
  }

  async exec(sql: string, params: Params = {}): Promise<void> {
    await this.run(() => this.session.queryBindAsync(sql, params));
  }

  close(): Promise<void> {
    this.session.close();
    if (this.insertDir) rmSync(this.insertDir, { recursive: true, force: true });
    return Promise.resolve();
  }

  /**
   * chDB's insert API takes text formats only, so Native blocks go through a private temporary file that the engine
   * reads with `INSERT … FROM INFILE` (the file is only a hand-over: it is removed once the insert ends). Several
   * blocks, each with its own header, follow one another in the file and are inserted as one part.
   */
  async insertNative(table: string, columns: readonly Column[], blocks: readonly Uint8Array[]): Promise<void> {
    if (blocks.length === 0) return;
    this.insertDir ??= mkdtempSync(join(tmpdir(), 'tracelane-insert-'));
    const file = join(this.insertDir, `${++this.insertFiles}.native`);
    writeBlocks(file, blocks);
    try {
      const names = columns.map((c) => identifier(c.name)).join(', ');
      const path = file.replaceAll('\\', '\\\\').replaceAll("'", "\\'");
      await this.exec(
        `INSERT INTO ${identifier(table)} (${names}) FROM INFILE '${path}' ${INSERT_SETTINGS} FORMAT Native`,
      );
    } finally {
      unlinkSync(file);
    }
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

function writeBlocks(file: string, blocks: readonly Uint8Array[]): void {
  const fd = openSync(file, 'w', 0o600);
  try {
    for (const block of blocks) {
      for (let done = 0; done < block.byteLength;) done += writeSync(fd, block, done);
    }
  } finally {
    closeSync(fd);
  }
}

/** A table or column name, back-quoted; names come from code, and anything unusual is refused. */
function identifier(name: string): string {
  if (!/^[A-Za-z_][\w.]*$/.test(name)) throw new StoreError(`invalid identifier ${JSON.stringify(name)}`);
  return '`' + name + '`';
}
