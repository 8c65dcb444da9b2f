import { rmSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { startServerProcess } from '../../bench/server-process.js';
import { ChdbStore } from '../../server/store/chdb-store.js';
import { tempDataDir } from '../helpers/tracelane.js';
import { jsonRequest, jsonSpan, newTraceId, postTraces } from './otlp-request.js';

/**
 * An acknowledged span survives a crash: the server runs as a child process (`server/main.ts`, embedded store),
 * receives concurrent export requests, and is killed with SIGKILL the moment the last one is answered 200; the
 * data folder is then opened in this process and every acknowledged span must be there.
 */
const dataDir = tempDataDir('tracelane-kill9-');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('keeps every acknowledged span across kill -9', async () => {
  const server = await startServerProcess({ DATA_DIR: dataDir, BUFFER_FLUSH_INTERVAL_MS: '50' });
  const traceId = newTraceId();
  const requests = Array.from({ length: 6 }, (_, r) =>
    jsonRequest(
      { 'service.name': 'crash-test' },
      Array.from({ length: 50 }, (_, i) => jsonSpan({ name: `r${r}-s${i}` }, traceId)),
    ),
  );
  try {
    const statuses = await Promise.all(requests.map(async (body) => (await postTraces(server.otlpUrl, body)).status));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
  } finally {
    server.child.kill('SIGKILL');
  }
  expect(await server.exited).toBe('SIGKILL');

  const store = new ChdbStore(dataDir);
  try {
    const [row] = await store.query<{ n: number }>('SELECT count() AS n FROM otel_traces WHERE TraceId = {t:String}', {
      t: traceId,
    });
    expect(row?.n).toBe(300);
  } finally {
    await store.close();
  }
});
