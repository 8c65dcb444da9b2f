import express, { type Express } from 'express';
import type { Config } from '../server/config.js';
import type { Logger } from '../server/log.js';
import type { Store } from '../server/store/store.js';

/** The OTLP collector: `POST /v1/traces` on OTLP_PORT, normalising spans and writing them through a buffer. */
export interface Collector {
  app: Express;
  /** Flushes what is buffered and stops accepting spans. */
  close(): Promise<void>;
}

export interface CollectorOptions {
  config: Config;
  store: Store;
  log: Logger;
}

// Placeholder until the OTLP receiver lands: accepts nothing yet.
export function createCollector(_options: CollectorOptions): Collector {
  const app = express();
  return { app, close: () => Promise.resolve() };
}
