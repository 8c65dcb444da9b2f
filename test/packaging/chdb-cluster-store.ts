/**
 * TEST FIXTURE — not product code. An embedded chDB store whose engine knows a one-shard cluster named
 * `tracelane_test` (the shard is this process), so Distributed tables over `_local` tables really run.
 * Distributed inserts are synchronous (`distributed_foreground_insert`), as the cluster guide recommends.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'chdb';
import { SESSION_SETTINGS, toJsonEachRow, type Params, type Store } from '../../server/store/store.js';

export const TEST_CLUSTER = 'tracelane_test';

const CONFIG = `<clickhouse>
  <tcp_port>9000</tcp_port>
  <remote_servers>
    <${TEST_CLUSTER}>
      <shard><replica><host>localhost</host><port>9000</port></replica></shard>
    </${TEST_CLUSTER}>
  </remote_servers>
</clickhouse>
`;

export function openChdbClusterStore(dataDir: string): Store {
  mkdirSync(dataDir, { recursive: true });
  const configFile = join(dataDir, 'cluster-config.xml');
  writeFileSync(configFile, CONFIG);
  const settings = { ...SESSION_SETTINGS, distributed_foreground_insert: 1 };
  const args = [`--config-file=${configFile}`, ...Object.entries(settings).map(([k, v]) => `--${k}=${v}`)];
  const session = new Session(join(dataDir, 'db'), { connectionArgs: args });
  return {
    backend: 'chdb',
    async query<T>(sql: string, params: Params = {}): Promise<T[]> {
      const text = (await session.queryBindAsync(sql, params, { format: 'JSONEachRow' })).text();
      return text === ''
        ? []
        : text
            .trimEnd()
            .split('\n')
            .map((line) => JSON.parse(line) as T);
    },
    async insert(table: string, rows: readonly object[]): Promise<void> {
      await session.insert({ table, values: Buffer.from(toJsonEachRow(rows)), format: 'JSONEachRow' });
    },
    async exec(sql: string, params: Params = {}): Promise<void> {
      await session.queryBindAsync(sql, params);
    },
    close(): Promise<void> {
      session.close();
      return Promise.resolve();
    },
  };
}
