import express, { type Express } from 'express';
import type { Config } from '../server/config.js';
import type { AuthThrottle } from '../server/http/auth-throttle.js';
import type { ConnectionMetrics } from '../server/http/connection-metrics.js';
import { errorMiddleware } from '../server/http/errors.js';
import { trustProxy } from '../server/http/trust-proxy.js';
import type { Logger } from '../server/log.js';
import type { Store } from '../server/store/store.js';
import {
  createExportIngest,
  type IngestedExport,
  type IngestSettings,
  type OtlpEncoding,
  type SpanBatch,
} from './ingest.js';
import { createLogsIngest } from './logs/ingest-logs.js';
import { CollectorMetrics } from './metrics.js';
import { loadPriceTable } from './pricing/price-table.js';
import type { TruncationKind } from './validate/bound-strings.js';
import type { DropReason } from './validate/validate-span.js';
import { exportHandler } from './receiver/export-handler.js';
import { NothingAcceptedError, type ExportResult } from './receiver/export-result.js';
import { InflightBudget } from './receiver/inflight-budget.js';
import { ingestKeyCheck, type IngestKeyCheck } from './receiver/ingest-keys.js';
import { SPAN_COLUMNS } from './rows/span-row.js';
import { IngestPool } from './workers/ingest-pool.js';
import { BufferClosedError, BufferFullError, StoreWriteError, WriteBuffer } from './write-buffer.js';

/** Decodes and stores one export request body; throws what receiver/export-result.ts maps to a status. */
export type ExportIngest = (body: Uint8Array, encoding: OtlpEncoding) => Promise<ExportResult>;

/**
 * The OTLP collector: its HTTP app (`POST /v1/traces` and `/v1/logs` on OTLP_PORT, traces also under Langfuse's
 * path) and what the gRPC receiver (receiver/grpc-server.ts) shares with it — the same ingests, key check,
 * in-flight budget and counters.
 */
export interface Collector {
  app: Express;
  ingestTraces: ExportIngest;
  ingestLogs: ExportIngest;
  authorized: IngestKeyCheck;
  budget: InflightBudget;
  /** Counters of received, accepted, rejected and buffered spans (shown at /metrics and in the health API). */
  metrics: CollectorMetrics;
  /**
   * Ingests an OTLP/JSON export request produced inside this process (Tracelane's own model-call spans) through
   * the same path as a request on /v1/traces; resolves when its spans are stored.
   */
  ingestJson(exportRequest: object): Promise<void>;
  /** Flushes what is buffered and stops accepting spans. */
  close(): Promise<void>;
}

export interface CollectorOptions {
  config: Config;
  store: Store;
  log: Logger;
  /** The process's listener counters, shown at /metrics beside the collector's. */
  connections: ConnectionMetrics;
  /** Failed-authentication limit per client address (shared with the API in one process). */
  authThrottle: AuthThrottle;
  /** The counters to fill (the server shares them with the evaluation linker); new ones when absent. */
  metrics?: CollectorMetrics;
  /** Called when evaluation results arrived as logs (the server links them to their spans). */
  onEvaluations?: () => void;
}

/** Langfuse's SDKs export to `<base URL>/api/public/otel/v1/traces`: pointing the base URL here is enough. */
const LANGFUSE_TRACES_PATH = '/api/public/otel/v1/traces';

/**
 * Builds the collector. It depends on the store only, so it also runs standalone (collector/main.ts). When the
 * store takes Native blocks (the embedded store), requests are decoded, normalised and encoded in a pool of
 * worker threads and the main thread only serves HTTP and runs the inserts; otherwise they are processed inline.
 */
export function createCollector({
  config,
  store,
  log,
  connections,
  authThrottle,
  onEvaluations,
  metrics = new CollectorMetrics(),
}: CollectorOptions): Collector {
  const insertNative = store.insertNative?.bind(store);
  const settings: IngestSettings = {
    promptNameKeys: config.PROMPT_NAME_KEYS,
    promptVersionKeys: config.PROMPT_VERSION_KEYS,
    environmentKeys: config.ENVIRONMENT_KEYS,
    qualityKeys: config.QUALITY_KEYS,
    pricesFile: config.PRICES_FILE,
    maxAttributes: config.SPAN_MAX_ATTRIBUTES,
    maxNameChars: config.NAME_MAX_CHARS,
    maxValueChars: config.ATTRIBUTE_VALUE_MAX_CHARS,
    retentionDays: config.RETENTION_DAYS,
    output: insertNative ? 'native' : 'rows',
  };
  loadPriceTable(config.PRICES_FILE); // a bad PRICES_FILE fails start-up, not the first request in a worker
  const pool = insertNative ? new IngestPool(settings) : undefined;
  const inline = pool ? undefined : createExportIngest(settings);
  const processBody = (body: Uint8Array, encoding: OtlpEncoding): Promise<IngestedExport> =>
    pool ? pool.run(body, encoding) : Promise.resolve().then(() => inline!(body, encoding));

  const buffer = new WriteBuffer<SpanBatch>({
    insert: (batches) =>
      insertNative
        ? insertNative(
            'otel_traces',
            SPAN_COLUMNS,
            batches.map((b) => b.native!),
          )
        : store.insert(
            'otel_traces',
            batches.flatMap((b) => b.rows!),
            SPAN_COLUMNS,
          ),
    flushRows: config.BUFFER_FLUSH_SPANS,
    flushIntervalMs: config.BUFFER_FLUSH_INTERVAL_MS,
    maxRows: config.BUFFER_MAX_SPANS,
    metrics,
    log,
  });

  /** One request: process it, count it, and wait until the write buffer has stored its spans. */
  const ingestTraces: ExportIngest = async (body, encoding) => {
    const done = await processBody(body, encoding);
    metrics.spansReceived += done.received;
    for (const [reason, n] of Object.entries(done.rejected)) metrics.rejectSpans(reason as DropReason, n);
    for (const [kind, n] of Object.entries(done.truncated)) metrics.truncateStrings(kind as TruncationKind, n);
    if (done.received > 0 && done.accepted === 0) throw new NothingAcceptedError(done.message);
    try {
      await buffer.write(done.batch, done.accepted);
    } catch (err) {
      if (err instanceof BufferFullError) metrics.refuseSpans('buffer_full', done.accepted);
      if (err instanceof BufferClosedError) metrics.refuseSpans('shutting_down', done.accepted);
      if (err instanceof StoreWriteError) metrics.refuseSpans('store_error', done.accepted);
      throw err;
    }
    metrics.spansAccepted += done.accepted;
    return { rejected: done.received - done.accepted, errorMessage: done.message };
  };

  const ingestLogs: ExportIngest = createLogsIngest({
    store,
    metrics,
    limits: { nameChars: config.NAME_MAX_CHARS, valueChars: config.ATTRIBUTE_VALUE_MAX_CHARS },
    ...(onEvaluations ? { onEvaluations } : {}),
  });

  const authorized = ingestKeyCheck(config.INGEST_KEYS);
  const budget = new InflightBudget(config.OTLP_MAX_INFLIGHT_BYTES, metrics);
  const shared = { authorized, authThrottle, maxBodyBytes: config.OTLP_MAX_BODY_BYTES, budget, metrics, log };
  const traces = exportHandler({ ...shared, signal: 'traces', ingest: ingestTraces });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy(config.TRUST_PROXY));
  app.post('/v1/traces', traces);
  app.post(LANGFUSE_TRACES_PATH, traces);
  app.post('/v1/logs', exportHandler({ ...shared, signal: 'logs', ingest: ingestLogs }));
  app.get('/metrics', (_req, res) => {
    res.type('text/plain; version=0.0.4').send(metrics.prometheus() + connections.prometheus());
  });
  app.use((_req, res) => {
    res.status(404).json({
      error: {
        code: 'not_found',
        message: `the collector serves POST /v1/traces (also at ${LANGFUSE_TRACES_PATH}), POST /v1/logs and GET /metrics`,
      },
    });
  });
  app.use(errorMiddleware(log)); // never Express's default page, which shows stack traces with install paths
  return {
    app,
    ingestTraces,
    ingestLogs,
    authorized,
    budget,
    metrics,
    ingestJson: async (exportRequest) => {
      const result = await ingestTraces(Buffer.from(JSON.stringify(exportRequest)), 'json');
      if (result.errorMessage) log.warn('own spans partly rejected', { message: result.errorMessage });
    },
    close: async () => {
      await buffer.close();
      await pool?.close();
    },
  };
}
