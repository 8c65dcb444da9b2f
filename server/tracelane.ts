import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCollector } from '../collector/collector.js';
import { startAlerts, type AlertsRuntime } from './alerts/alerts-runtime.js';
import { startAnalysisLoop } from './analysis/analysis-loop.js';
import { startChangeDetection, type ChangeDetection } from './changes/change-detection.js';
import { startGrpcReceiver } from '../collector/receiver/grpc-server.js';
import { loadPriceTable } from '../collector/pricing/price-table.js';
import { createApiApp } from './app.js';
import type { Config } from './config.js';
import { EventBus } from './events/event-bus.js';
import { createExperiments, type Experiments } from './experiments/experiments.js';
import { createModelClient, type ModelClient } from './models/model-client.js';
import { startWebhookDispatcher, type WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { parseApiKeys } from './http/auth.js';
import { authThrottleFor } from './http/auth-throttle.js';
import { ConnectionMetrics } from './http/connection-metrics.js';
import { listen, listenerLimits, warnIfOverFileLimit, type ListenerName } from './http/listener.js';
import { combinedKeyRing } from './http/key-ring.js';
import { ensureDefaultEnvironments } from './registry/environment-service.js';
import type { Logger } from './log.js';
import { CollectorMetrics } from '../collector/metrics.js';
import { ddlRendererFor } from './store/cluster-ddl.js';
import { applyRetention, loadMigrations, migrate } from './store/migrate.js';
import { openStore } from './store/open-store.js';
import { repairRollups } from './store/rollup-repair.js';
import { backfillRollupTiers } from './store/rollup-tiers.js';
import { startRun } from './store/server-runs.js';
import { startEvaluationLinker } from './span-events/evaluation-linker.js';
import { startSelfTracing } from './telemetry/self-tracing.js';
import type { Store } from './store/store.js';

/** A running Tracelane: the API/UI server and the collector in one process, sharing one store. */
export interface Tracelane {
  apiUrl: string;
  otlpUrl: string;
  /** host:port of OTLP/gRPC. */
  otlpGrpcAddress: string;
  store: Store;
  bus: EventBus;
  experiments: Experiments;
  models: ModelClient;
  /** Delivers events to webhooks (and test events on request). */
  webhooks: WebhookDispatcher;
  alerts: AlertsRuntime;
  changes: ChangeDetection;
  /** Stops accepting connections, flushes the write buffer (answering the requests waiting for it), closes the store. */
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
/** With a ClickHouse server, minutes younger than this are not repaired: other collectors may be inserting them. */
const ROLLUP_SETTLE_MS = 120_000;

/** Starts server and collector; ports 0 pick free ports (tests do this). */
export async function startTracelane(config: Config, log: Logger): Promise<Tracelane> {
  const store = openStore(config);
  const renderDdl = ddlRendererFor(config);
  const applied = await migrate(store, loadMigrations(), renderDdl);
  if (applied.length > 0) log.info('migrations applied', { migrations: applied });
  await applyRetention(store, config.RETENTION_DAYS, config.ROLLUP_RETENTION_DAYS, renderDdl);
  await backfillRollupTiers(store, log); // before the repair: it compares the tiers with the per-minute rollup
  const run = await startRun(store);
  if (run.previousUnclean) {
    // Before anything is ingested. With a ClickHouse server, standalone collectors may be writing the newest minutes.
    log.warn('the previous run did not stop cleanly: checking the rollups against the raw rows');
    await repairRollups(store, log, {
      hours: config.ROLLUP_REPAIR_HOURS,
      settleMs: config.CLICKHOUSE_URL === '' ? 0 : ROLLUP_SETTLE_MS,
      ...(renderDdl ? { render: renderDdl } : {}),
    });
  }

  const bus = new EventBus();
  await ensureDefaultEnvironments(store);
  const keys = combinedKeyRing(parseApiKeys(config.API_KEYS), store);
  const connections = new ConnectionMetrics();
  const authThrottle = authThrottleFor(config);
  const metrics = new CollectorMetrics();
  const linker = startEvaluationLinker({ store, metrics, log, intervalMs: config.EVALUATION_LINK_INTERVAL_MS });
  const onEvaluations = linker.poke;
  const collector = createCollector({ config, store, log, connections, authThrottle, metrics, onEvaluations });
  const webhooks = startWebhookDispatcher({ config, store, log, bus });
  const analysis = startAnalysisLoop({ config, store, log, bus });
  let publicUrl = config.PUBLIC_URL; // the API's own address once it listens, when not configured
  const alerts = await startAlerts({ config, store, log, bus, publicUrl: () => publicUrl });
  const changes = startChangeDetection({ config, store, bus, log });
  const spans = (request: object) => collector.ingestJson(request); // Tracelane's own model calls enter otel_traces through the collector
  const models = createModelClient({ config, prices: loadPriceTable(config.PRICES_FILE), spans, log });
  const experiments = createExperiments({ store, models, spans, bus, log });

  const apiHost = keys.enabled() ? config.HOST : LOOPBACK;
  if (!keys.enabled()) log.warn('no API_KEYS configured: the API listens on loopback only, without authentication');
  const otlpHost = config.INGEST_KEYS.length > 0 ? config.HOST : LOOPBACK;
  if (config.INGEST_KEYS.length === 0) log.warn('no INGEST_KEYS configured: the collector listens on loopback only');

  const selfTracing = startSelfTracing(config, log);
  warnIfOverFileLimit([config.API_MAX_CONNECTIONS, config.OTLP_MAX_CONNECTIONS, config.OTLP_GRPC_MAX_CONNECTIONS], log);
  const limits = (name: ListenerName) => ({
    name,
    limits: listenerLimits(config, name),
    metrics: connections,
    log,
  });
  const otlpServer = await listen(
    selfTracing.instrument(collector.app, 'collector'),
    config.OTLP_PORT,
    otlpHost,
    limits('otlp'),
  );
  const grpc = await startGrpcReceiver({ ...collector, config, log }, otlpHost);
  const collectorAddress = otlpServer.address() as AddressInfo; // the UI shows where to send traces
  const api = createApiApp({
    config,
    store,
    log,
    bus,
    keys,
    webhooks,
    metrics: collector.metrics,
    connections,
    authThrottle,
    collectorAddress,
    alerts,
    models,
    experiments,
  });
  const apiServer = await listen(selfTracing.instrument(api, 'api'), config.PORT, apiHost, limits('api'));
  publicUrl ||= urlOf(apiServer);
  await experiments.resumeUnfinished();
  return {
    apiUrl: urlOf(apiServer),
    otlpUrl: urlOf(otlpServer),
    otlpGrpcAddress: `${grpc.address.address}:${grpc.address.port}`,
    store,
    bus,
    experiments,
    models,
    webhooks,
    alerts,
    changes,
    close: async () => {
      bus.close(); // ends the open event streams, which would otherwise keep the server from closing
      await experiments.stop(); // runs stay `running` and resume at the next start
      await webhooks.stop();
      await analysis.stop();
      await alerts.stop();
      await changes.stop();
      // Stop accepting connections, then flush the write buffer so that requests waiting for it are answered, and
      // only then wait for the open requests to end.
      const closing = Promise.all([stop(apiServer), stop(otlpServer), grpc.close()]);
      await collector.close();
      await closing;
      await linker.stop();
      await selfTracing.shutdown();
      await run.stopped().catch((err: unknown) => log.error('could not record the clean stop', { error: String(err) }));
      await store.close();
    },
  };
}

export function stop(server: Server) {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

export function urlOf(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  const host = address === '0.0.0.0' || address === '::' ? 'localhost' : address;
  return `http://${host}:${port}`;
}
