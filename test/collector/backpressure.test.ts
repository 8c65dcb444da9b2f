import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { eventually, jsonRequest, jsonSpan, newTraceId, postTraces } from './otlp-request.js';

/**
 * The write buffer's guarantees over HTTP: bounded memory (503 + Retry-After when full, nothing queued beyond it),
 * acknowledgement only after the insert, and 503 when the store fails — after which the client's retry stores
 * the spans once.
 */
let tl: TestTracelane;
beforeAll(async () => {
  tl = await startTestTracelane({
    BUFFER_MAX_SPANS: '10',
    BUFFER_FLUSH_SPANS: '1000',
    BUFFER_FLUSH_INTERVAL_MS: '5000', // the slack the test has to fill the buffer before the flush, on a busy machine
  });
  // Start the ingest workers (one per request until the pool is full; each takes a while on a loaded machine), so
  // that the timing below depends on the write buffer only.
  const warmUp = await Promise.all([1, 2, 3, 4].map(() => postTraces(tl.otlpUrl, batch(newTraceId(), 1))));
  expect(warmUp.map((r) => r.status)).toEqual([200, 200, 200, 200]);
});
afterAll(() => tl.close());

const batch = (traceId: string, n: number) =>
  jsonRequest(
    { 'service.name': 'bp' },
    Array.from({ length: n }, (_, i) => jsonSpan({ name: `s${i}` }, traceId)),
  );

async function collectorCounters() {
  const res = await fetch(`${tl.apiUrl}/api/v1/health`);
  return (
    (await res.json()) as {
      collector: {
        bufferedSpans: number;
        spansAccepted: number;
        spansRefused: Record<string, number>;
        flushErrors: number;
      };
    }
  ).collector;
}

async function storedSpans(traceId: string): Promise<number> {
  const rows = await tl.store.query<{ n: number }>('SELECT count() AS n FROM otel_traces WHERE TraceId = {t:String}', {
    t: traceId,
  });
  return rows[0]?.n ?? 0;
}

it('answers 503 with Retry-After when the buffer is full, and acknowledges the waiting batch only once stored', async () => {
  // A lone request is inserted at once; the next waits for the flush interval (5 s) — long enough to fill up.
  expect((await postTraces(tl.otlpUrl, batch(newTraceId(), 1))).status).toBe(200);
  const first = newTraceId();
  const pending = postTraces(tl.otlpUrl, batch(first, 8));
  await eventually(async () => ((await collectorCounters()).bufferedSpans === 8 ? true : undefined));
  expect(await storedSpans(first)).toBe(0); // buffered, not yet answered

  const second = newTraceId();
  const refused = await postTraces(tl.otlpUrl, batch(second, 8));
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toBe('2');
  expect(JSON.parse(refused.body.toString())).toEqual({ code: 14, message: 'the write buffer is full; retry later' });

  const accepted = await pending;
  expect(accepted.status).toBe(200);
  expect(await storedSpans(first)).toBe(8);
  expect(await storedSpans(second)).toBe(0);
  expect((await collectorCounters()).spansRefused.buffer_full).toBe(8);
});

it('answers 503 when the store fails, and the retried request is stored once', async () => {
  const traceId = newTraceId();
  await tl.store.exec('RENAME TABLE otel_traces TO otel_traces_moved_away');
  try {
    const failed = await postTraces(tl.otlpUrl, batch(traceId, 3));
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('5');
    expect(JSON.parse(failed.body.toString())).toEqual({ code: 14, message: 'the span store failed; retry later' });
  } finally {
    await tl.store.exec('RENAME TABLE otel_traces_moved_away TO otel_traces');
  }
  const counters = await collectorCounters();
  expect(counters.flushErrors).toBe(1);
  expect(counters.spansRefused.store_error).toBe(3);
  expect(await storedSpans(traceId)).toBe(0);

  const retried = await postTraces(tl.otlpUrl, batch(traceId, 3));
  expect(retried.status).toBe(200);
  expect(await storedSpans(traceId)).toBe(3);
});
