import express, { type Express } from 'express';
import type { Config } from '../server/config.js';
import type { Logger } from '../server/log.js';
import type { Store } from '../server/store/store.js';
import { createIngest } from './ingest.js';
import { CollectorMetrics } from './metrics.js';
import { createNormalizer } from './normalize/pipeline.js';
import { loadPriceTable } from './pricing/price-table.js';
import { tracesHandler } from './receiver/traces-handler.js';
import { SPAN_COLUMNS, type SpanRow } from './rows/span-row.js';
import { WriteBuffer } from './write-buffer.js';

/** The OTLP collector: `POST /v1/traces` on OTLP_PORT, normalising spans and writing them through a buffer. */
export interface Collector {
  app: Express;
  /** Counters of received, accepted, rejected and buffered spans (shown at /metrics and in the health API). */
  metrics: CollectorMetrics;
  /** Flushes what is buffered and stops accepting spans. */
  close(): Promise<void>;
}

export interface CollectorOptions {
  config: Config;
  store: Store;
  log: Logger;
}

/** Builds the collector. It depends on the store only, so it also runs standalone (collector/main.ts). */
export function createCollector({ config, store, log }: CollectorOptions): Collector {
  const metrics = new CollectorMetrics();
  const normalize = createNormalizer({
    promptNameKeys: config.PROMPT_NAME_KEYS,
    promptVersionKeys: config.PROMPT_VERSION_KEYS,
    environmentKeys: config.ENVIRONMENT_KEYS,
    qualityKeys: config.QUALITY_KEYS,
    prices: loadPriceTable(config.PRICES_FILE),
  });
  const buffer = new WriteBuffer<SpanRow>({
    insert: (rows) => store.insert('otel_traces', rows, SPAN_COLUMNS),
    flushRows: config.BUFFER_FLUSH_SPANS,
    flushIntervalMs: config.BUFFER_FLUSH_INTERVAL_MS,
    maxRows: config.BUFFER_MAX_SPANS,
    metrics,
    log,
  });
  const ingest = createIngest({
    buffer,
    normalize,
    metrics,
    maxAttributes: config.SPAN_MAX_ATTRIBUTES,
    maxValueChars: config.ATTRIBUTE_VALUE_MAX_CHARS,
    retentionDays: config.RETENTION_DAYS,
  });

  const app = express();
  app.disable('x-powered-by');
  app.post(
    '/v1/traces',
    tracesHandler({ ingest, ingestKeys: config.INGEST_KEYS, maxBodyBytes: config.OTLP_MAX_BODY_BYTES, metrics, log }),
  );
  app.get('/metrics', (_req, res) => {
    res.type('text/plain; version=0.0.4').send(metrics.prometheus());
  });
  app.use((_req, res) => {
    res
      .status(404)
      .json({ error: { code: 'not_found', message: 'the collector serves POST /v1/traces and GET /metrics' } });
  });
  return { app, metrics, close: () => buffer.close() };
}
