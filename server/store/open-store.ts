import type { Config } from '../config.js';
import { ChdbStore } from './chdb-store.js';
import { ClickHouseStore } from './clickhouse-store.js';
import type { Store } from './store.js';

/** The one place that chooses the backend: a ClickHouse server when CLICKHOUSE_URL is set, else embedded chDB. */
export function openStore(config: Config): Store {
  if (config.CLICKHOUSE_URL !== '') {
    return new ClickHouseStore({
      url: config.CLICKHOUSE_URL,
      username: config.CLICKHOUSE_USER,
      password: config.CLICKHOUSE_PASSWORD,
      database: config.CLICKHOUSE_DATABASE,
      cluster: config.CLICKHOUSE_CLUSTER || undefined,
    });
  }
  return new ChdbStore(config.DATA_DIR);
}
