import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/log.js';
import { ddlRendererFor } from '../server/store/cluster-ddl.js';
import { loadMigrations, migrate } from '../server/store/migrate.js';
import { openStore } from '../server/store/open-store.js';
import { shutdownOnSignals } from '../server/shutdown-on-signals.js';
import { startSelfTracing } from '../server/telemetry/self-tracing.js';
import { authThrottleFor } from '../server/http/auth-throttle.js';
import { ConnectionMetrics } from '../server/http/connection-metrics.js';
import { listen, listenerLimits, warnIfOverFileLimit } from '../server/http/listener.js';
import { stop, urlOf } from '../server/tracelane.js';
import { createCollector } from './collector.js';
import { startGrpcReceiver } from './receiver/grpc-server.js';

/**
 * `npm run collector`: the OTLP collector alone, writing to a ClickHouse server. It keeps no state of its own,
 * so any number of them can run side by side (behind a load balancer) next to one Tracelane server.
 */
const config = loadConfig();
const log = createLogger(config.LOG_FORMAT);

if (config.CLICKHOUSE_URL === '') {
  log.error(
    'a standalone collector needs CLICKHOUSE_URL: the embedded store (chDB) binds its data folder to one process, ' +
      'so without a ClickHouse server the collector runs inside the server — use `npm start` instead',
  );
  process.exit(2);
}

const store = openStore(config);
// Every migration statement is idempotent, so collectors and the server may all run them at start-up.
const applied = await migrate(store, loadMigrations(), ddlRendererFor(config));
if (applied.length > 0) log.info('migrations applied', { migrations: applied });

const connections = new ConnectionMetrics();
const collector = createCollector({ config, store, log, connections, authThrottle: authThrottleFor(config) });
const host = config.INGEST_KEYS.length > 0 ? config.HOST : '127.0.0.1';
if (config.INGEST_KEYS.length === 0) log.warn('no INGEST_KEYS configured: the collector listens on loopback only');
const selfTracing = startSelfTracing(config, log);
warnIfOverFileLimit([config.OTLP_MAX_CONNECTIONS, config.OTLP_GRPC_MAX_CONNECTIONS], log);
const server = await listen(selfTracing.instrument(collector.app, 'collector'), config.OTLP_PORT, host, {
  name: 'otlp',
  limits: listenerLimits(config, 'otlp'),
  metrics: connections,
  log,
});
const grpc = await startGrpcReceiver({ ...collector, config, log }, host);
log.info(`OTLP/HTTP collector on ${urlOf(server)}/v1/traces`, { store: config.CLICKHOUSE_URL });
log.info(`OTLP/gRPC collector on ${grpc.address.address}:${grpc.address.port}`);

shutdownOnSignals(async () => {
  const closing = Promise.all([stop(server), grpc.close()]); // no new connections; waiting requests get the flush
  await collector.close();
  await closing;
  await selfTracing.shutdown();
  await store.close();
}, log);
