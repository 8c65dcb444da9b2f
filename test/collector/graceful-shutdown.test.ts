import { rmSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { startServerProcess } from '../../bench/server-process.js';
import { ChdbStore } from '../../server/store/chdb-store.js';
import { tempDataDir } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { jsonRequest, jsonSpan, newTraceId, postTraces } from './otlp-request.js';

/**
 * SIGTERM (as `npm start` receives it from a process manager) while a request's spans wait in the write buffer: the buffer is
 * flushed at once — not after the flush interval — the waiting request is answered 200, and the process exits 0.
 */
const dataDir = tempDataDir('tracelane-sigterm-');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('flushes buffered spans, answers the waiting request and exits 0 on SIGTERM', async () => {
  const server = await startServerProcess({ DATA_DIR: dataDir, BUFFER_FLUSH_INTERVAL_MS: '600000' });
  const traceId = newTraceId();
  const spans = Array.from({ length: 20 }, (_, i) => jsonSpan({ name: `s${i}` }, traceId));
  const send = () => postTraces(server.otlpUrl, jsonRequest({ 'service.name': 'sigterm-test' }, spans));
  // The buffer flushes at most once per interval: the first request after a quiet spell goes straight through,
  // the next one waits for the interval (ten minutes here) — or for the shutdown.
  expect((await send()).status).toBe(200);
  const pending = send();
  await waitFor('the 20 spans to wait in the buffer', async () => {
    const metrics = await (await fetch(`${server.otlpUrl}/metrics`)).text();
    return /tracelane_collector_buffered_spans 20\b/.test(metrics) ? true : undefined;
  });
  const sentAt = Date.now();
  server.child.kill('SIGTERM');
  expect((await pending).status).toBe(200);
  expect(await server.exited).toBe(0);
  expect(Date.now() - sentAt).toBeLessThan(10_000);

  const store = new ChdbStore(dataDir);
  try {
    const [row] = await store.query<{ n: number }>('SELECT count() AS n FROM otel_traces WHERE TraceId = {t:String}', {
      t: traceId,
    });
    expect(row?.n).toBe(40);
  } finally {
    await store.close();
  }
});
