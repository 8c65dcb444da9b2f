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
import { CollectorMetrics } from './metrics.js';
import { loadPriceTable } from './pricing/price-table.js';
import type { DropReason } from './validate/validate-span.js';
import { tracesHandler, type IngestResult } from './receiver/traces-handler.js';
import { SPAN_COLUMNS } from './rows/span-row.js';
import { IngestPool } from './workers/ingest-pool.js';
import { BufferClosedError, BufferFullError, StoreWriteError, WriteBuffer } from './write-buffer.js';

/** The OTLP collector: `POST /v1/traces` on OTLP_PORT, normalising spans and writing them through a buffer. */
export interface Collector {
  app: Express;
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
}

/**
 * Builds the collector. It depends on the store only, so it also runs standalone (collector/main.ts). When the
 * store takes Native blocks (the embedded store), requests are decoded, normalised and encoded in a pool of
 * worker threads and the main thread only serves HTTP and runs the inserts; otherwise they are processed inline.
 */
export function createCollector({ config, store, log, connections, authThrottle }: CollectorOptions): Collector {
  const metrics = new CollectorMetrics();
  const insertNative = store.insertNative?.bind(store);
  const settings: IngestSettings = {
    promptNameKeys: config.PROMPT_NAME_KEYS,
    promptVersionKeys: config.PROMPT_VERSION_KEYS,
    environmentKeys: config.ENVIRONMENT_KEYS,
    qualityKeys: config.QUALITY_KEYS,
    pricesFile: config.PRICES_FILE,
    maxAttributes: config.SPAN_MAX_ATTRIBUTES,
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
  const ingest = async (body: Uint8Array, encoding: OtlpEncoding): Promise<IngestResult> => {
    const done = await processBody(body, encoding);
    metrics.spansReceived += done.received;
    for (const [reason, n] of Object.entries(done.rejected)) metrics.rejectSpans(reason as DropReason, n);
    metrics.valuesTruncated += done.truncated;
    try {
      await buffer.write(done.batch, done.accepted);
    } catch (err) {
      if (err instanceof BufferFullError) metrics.refuseSpans('buffer_full', done.accepted);
      if (err instanceof BufferClosedError) metrics.refuseSpans('shutting_down', done.accepted);
      if (err instanceof StoreWriteError) metrics.refuseSpans('store_error', done.accepted);
      throw err;
    }
    metrics.spansAccepted += done.accepted;
    return { rejectedSpans: done.received - done.accepted, errorMessage: done.message };
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy(config.TRUST_PROXY));
  app.post(
    '/v1/traces',
    tracesHandler({
      ...{ ingest, ingestKeys: config.INGEST_KEYS, authThrottle, metrics, log },
      maxBodyBytes: config.OTLP_MAX_BODY_BYTES,
    }),
  );
  app.get('/metrics', (_req, res) => {
    res.type('text/plain; version=0.0.4').send(metrics.prometheus() + connections.prometheus());
  });
  app.use((_req, res) => {
    res
      .status(404)
      .json({ error: { code: 'not_found', message: 'the collector serves POST /v1/traces and GET /metrics' } });
  });
  app.use(errorMiddleware(log)); // never Express's default page, which shows stack traces with install paths
  return {
    app,
    metrics,
    ingestJson: async (exportRequest) => {
      const result = await ingest(Buffer.from(JSON.stringify(exportRequest)), 'json');
      if (result.errorMessage) log.warn('own spans partly rejected', { message: result.errorMessage });
    },
    close: async () => {
      await buffer.close();
      await pool?.close();
    },
  };
}
