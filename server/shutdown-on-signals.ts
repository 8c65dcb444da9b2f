import type { Logger } from './log.js';

/** On the first SIGINT or SIGTERM: log, run `close` (flushes buffers, closes the store), then exit 0, or 1 if it failed. */
export function shutdownOnSignals(close: () => Promise<void>, log: Logger): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log.info(`${signal} received: flushing and shutting down`);
      close().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error('shutdown failed', { error: String(err) });
          process.exit(1);
        },
      );
    });
  }
}
