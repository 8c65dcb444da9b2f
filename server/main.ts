import { loadConfig } from './config.js';
import { createLogger } from './log.js';
import { shutdownOnSignals } from './shutdown-on-signals.js';
import { startTracelane } from './tracelane.js';

/** `npm start`: server and collector in one process on the configured store. */
const config = loadConfig();
const log = createLogger(config.LOG_FORMAT);
const tracelane = await startTracelane(config, log);
log.info(`Tracelane UI and API on ${tracelane.apiUrl}`);
log.info(`OTLP/HTTP collector on ${tracelane.otlpUrl}/v1/traces`);
log.info(`OTLP/gRPC collector on ${tracelane.otlpGrpcAddress}`);
log.info(
  config.CLICKHOUSE_URL
    ? `store: ClickHouse at ${config.CLICKHOUSE_URL}`
    : `store: embedded chDB in ${config.DATA_DIR}`,
);

shutdownOnSignals(() => tracelane.close(), log);
