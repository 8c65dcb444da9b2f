import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ExportTraceServiceRequest, RetryInfo, RpcStatus } from '../../collector/otlp/proto-schema.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { eventually, newSpanId, newTraceId, nowNs } from './otlp-request.js';

/**
 * OTLP/gRPC back-pressure seen by a plain grpc-js client: RESOURCE_EXHAUSTED with a google.rpc.RetryInfo when the
 * write buffer is full (BUFFER_MAX_SPANS) and when OTLP_MAX_INFLIGHT_BYTES is taken by a call in progress; nothing of
 * a refused call is stored, and the call that held the buffer is acknowledged once stored.
 */
const KEY = 'grpc-bp-key';
const MAX_INFLIGHT_BYTES = 1024; // the smallest allowed: the call held in the buffer takes a good part of it
let tl: TestTracelane;
beforeAll(async () => {
  tl = await startTestTracelane({
    INGEST_KEYS: KEY,
    HOST: '127.0.0.1',
    BUFFER_MAX_SPANS: '10',
    BUFFER_FLUSH_SPANS: '1000',
    BUFFER_FLUSH_INTERVAL_MS: '5000', // the slack the test has to send the refused calls before the flush
    OTLP_MAX_INFLIGHT_BYTES: String(MAX_INFLIGHT_BYTES),
  });
  // Start the ingest workers first (one per request until the pool is full), so the timing depends on the buffer only.
  await Promise.all([1, 2, 3, 4].map(() => exportCall(request(newTraceId(), 1))));
});
afterAll(() => tl.close());

const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

function exportCall(body: Uint8Array): Promise<Buffer> {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${KEY}`);
  const client = new grpc.Client(tl.otlpGrpcAddress, grpc.credentials.createInsecure());
  return new Promise<Buffer>((resolve, reject) => {
    client.makeUnaryRequest(
      TRACE_EXPORT,
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from(body),
      metadata,
      (err, value) => (err ? reject(err) : resolve(value!)),
    );
  }).finally(() => client.close());
}

const failure = (call: Promise<unknown>) =>
  call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (err: grpc.ServiceError) => err,
  );

/** The RetryInfo delay of a failed call, in seconds (undefined without one). */
function retryDelaySeconds(err: grpc.ServiceError): number | undefined {
  const [details] = err.metadata.get('grpc-status-details-bin');
  if (!Buffer.isBuffer(details)) return undefined;
  const status = RpcStatus.decode(details) as unknown as { details: { typeUrl: string; value: Uint8Array }[] };
  const retry = status.details.find((d) => d.typeUrl.endsWith('google.rpc.RetryInfo'));
  if (!retry) return undefined;
  return Number((RetryInfo.decode(retry.value) as unknown as { retryDelay: { seconds: number } }).retryDelay.seconds);
}

function request(traceId: string, n: number, name = 's'): Uint8Array {
  const spans = Array.from({ length: n }, () => ({
    traceId: Buffer.from(traceId, 'hex'),
    spanId: Buffer.from(newSpanId(), 'hex'),
    name,
    startTimeUnixNano: nowNs(-20),
    endTimeUnixNano: nowNs(-10),
  }));
  return ExportTraceServiceRequest.encode(
    ExportTraceServiceRequest.fromObject({ resourceSpans: [{ scopeSpans: [{ spans }] }] }),
  ).finish();
}

async function collector() {
  const res = await fetch(`${tl.apiUrl}/api/v1/health`);
  return (
    (await res.json()) as {
      collector: { bufferedSpans: number; inflightBytes: number; requestsRejected: Record<string, number> };
    }
  ).collector;
}

async function storedSpans(traceId: string): Promise<number> {
  const rows = await tl.store.query<{ n: number }>('SELECT count() AS n FROM otel_traces WHERE TraceId = {t:String}', {
    t: traceId,
  });
  return rows[0]?.n ?? 0;
}

it('RESOURCE_EXHAUSTED with a RetryInfo when the buffer is full or OTLP_MAX_INFLIGHT_BYTES is taken', async () => {
  // A lone call is inserted at once; the next waits in the buffer for the flush interval (5 s), holding its bytes.
  await exportCall(request(newTraceId(), 1));
  const held = newTraceId();
  const heldBody = request(held, 6);
  const pending = exportCall(heldBody);
  await eventually(async () => {
    const c = await collector();
    return c.bufferedSpans === 6 && c.inflightBytes === heldBody.length ? true : undefined;
  });

  // Fits the in-flight bytes beside the held call, not the buffer (6 + 6 spans > 10).
  const full = newTraceId();
  const fullBody = request(full, 6);
  expect(heldBody.length + fullBody.length).toBeLessThanOrEqual(MAX_INFLIGHT_BYTES);
  const bufferFull = await failure(exportCall(fullBody));
  expect(bufferFull.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  expect(bufferFull.details).toBe('the write buffer is full; retry later');
  expect(retryDelaySeconds(bufferFull)).toBe(2);

  // One span, but a name long enough that its bytes do not fit beside the held call's.
  const large = newTraceId();
  const largeBody = request(large, 1, 'n'.repeat(MAX_INFLIGHT_BYTES));
  const inflight = await failure(exportCall(largeBody));
  expect(inflight.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  expect(inflight.details).toContain('OTLP_MAX_INFLIGHT_BYTES');
  expect(retryDelaySeconds(inflight)).toBe(1);
  expect((await collector()).requestsRejected.inflight_bytes).toBe(1);

  await pending; // acknowledged once stored
  expect(await storedSpans(held)).toBe(6);
  expect(await storedSpans(full)).toBe(0);
  expect(await storedSpans(large)).toBe(0);
  // With the budget free again, the large call alone passes (a request alone always does).
  await exportCall(largeBody);
  expect(await storedSpans(large)).toBe(1);
});
