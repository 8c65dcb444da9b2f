import * as grpc from '@grpc/grpc-js';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { api, resources, tracing } from '@opentelemetry/sdk-node';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExportTraceServiceRequest,
  ExportTraceServiceResponse,
  RetryInfo,
  RpcStatus,
} from '../../collector/otlp/proto-schema.js';
import { waitFor } from '../helpers/wait-for.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { newSpanId, newTraceId, nowNs } from './otlp-request.js';

/**
 * OTLP/gRPC on OTLP_GRPC_PORT: the official OpenTelemetry gRPC exporter end to end (gzip, key in metadata), and
 * the status codes of the OTLP specification seen by a plain grpc-js client.
 */
const KEY = 'grpc-ingest-key';
/** The time a new connection gets to send its HTTP/2 preface (HTTP_HEADERS_TIMEOUT_MS). */
const PREFACE_TIMEOUT_MS = 2000;
let tl: TestTracelane;
beforeAll(async () => {
  tl = await startTestTracelane({
    INGEST_KEYS: KEY,
    HOST: '127.0.0.1',
    OTLP_GRPC_MAX_CONNECTIONS: '20',
    HTTP_HEADERS_TIMEOUT_MS: String(PREFACE_TIMEOUT_MS),
  });
});
afterAll(() => tl.close());

const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const bearer = () => {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${KEY}`);
  return metadata;
};

/** One unary Export call with raw bytes: the response bytes, or the error with its status code and metadata. */
function exportCall(body: Uint8Array, metadata = bearer()): Promise<Buffer> {
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

function retryDelaySeconds(err: grpc.ServiceError): number | undefined {
  const [details] = err.metadata.get('grpc-status-details-bin');
  if (!Buffer.isBuffer(details)) return undefined;
  const status = RpcStatus.decode(details) as unknown as { details: { typeUrl: string; value: Uint8Array }[] };
  const retry = status.details.find((d) => d.typeUrl.endsWith('google.rpc.RetryInfo'));
  if (!retry) return undefined;
  return Number((RetryInfo.decode(retry.value) as unknown as { retryDelay: { seconds: number } }).retryDelay.seconds);
}

function request(spans: Record<string, unknown>[]): Uint8Array {
  return ExportTraceServiceRequest.encode(
    ExportTraceServiceRequest.fromObject({ resourceSpans: [{ scopeSpans: [{ spans }] }] }),
  ).finish();
}

const span = (traceId: string, extra: Record<string, unknown> = {}) => ({
  traceId: Buffer.from(traceId, 'hex'),
  spanId: Buffer.from(newSpanId(), 'hex'),
  name: 'raw',
  startTimeUnixNano: nowNs(-20),
  endTimeUnixNano: nowNs(-10),
  ...extra,
});

async function storedSpans(traceId: string): Promise<number> {
  const rows = await tl.store.query<{ n: number }>('SELECT count() AS n FROM otel_traces WHERE TraceId = {t:String}', {
    t: traceId,
  });
  return rows[0]?.n ?? 0;
}

describe('the official OpenTelemetry gRPC exporter', () => {
  it('delivers gzipped spans with the key in metadata; they read back normalised', async () => {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${KEY}`);
    const exporter = new OTLPTraceExporter({
      url: `http://${tl.otlpGrpcAddress}`,
      metadata,
      compression: CompressionAlgorithm.GZIP,
      timeoutMillis: 60_000, // the first export starts the ingest workers: over 10 s (the default) on a loaded machine
    });
    const provider = new tracing.BasicTracerProvider({
      resource: resources.resourceFromAttributes({ 'service.name': 'grpc-app', 'deployment.environment.name': 'qa' }),
      spanProcessors: [new tracing.BatchSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('grpc-test');
    const root = tracer.startSpan('request', { kind: api.SpanKind.SERVER });
    const chat = tracer.startSpan(
      'chat gpt-4o',
      {
        kind: api.SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.response.model': 'gpt-4o-2024-11-20',
          'gen_ai.usage.input_tokens': 500,
          'gen_ai.usage.output_tokens': 40,
          'gen_ai.usage.reasoning.output_tokens': 12,
          'gen_ai.response.time_to_first_chunk': 0.42,
          'gen_ai.prompt.name': 'grpc-prompt',
          'gen_ai.prompt.version': '2',
        },
      },
      api.trace.setSpan(api.context.active(), root),
    );
    chat.end();
    root.end();
    await provider.forceFlush();
    await provider.shutdown();

    const traceId = root.spanContext().traceId;
    const res = await fetch(`${tl.apiUrl}/api/v1/traces/${traceId}`);
    expect(res.status).toBe(200);
    const { spans } = (await res.json()) as { spans: { name: string; llm: Record<string, unknown> }[] };
    expect(spans.map((s) => s.name)).toEqual(['request', 'chat gpt-4o']);
    expect(spans[1]!.llm).toMatchObject({
      environment: 'qa',
      promptName: 'grpc-prompt',
      model: 'gpt-4o',
      requestModel: 'gpt-4o',
      responseModel: 'gpt-4o-2024-11-20',
      reasoningTokens: 12,
      timeToFirstTokenMs: 420,
      isGeneration: true,
    });
  });
});

describe('status codes', () => {
  it('UNAUTHENTICATED without the key; Basic with the key as password passes', async () => {
    const err = await failure(exportCall(request([span(newTraceId())]), new grpc.Metadata()));
    expect(err.code).toBe(grpc.status.UNAUTHENTICATED);
    const basic = new grpc.Metadata();
    basic.set('authorization', `Basic ${Buffer.from(`pk-lf-x:${KEY}`).toString('base64')}`);
    await expect(exportCall(request([span(newTraceId())]), basic)).resolves.toBeInstanceOf(Buffer);
  });

  it('answers partial success naming the bad span, and stores the rest', async () => {
    const traceId = newTraceId();
    const bytes = await exportCall(
      request([span(traceId), span(traceId, { spanId: Buffer.from('01', 'hex'), name: 'bad' })]),
    );
    const response = ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(bytes), {
      longs: Number,
    }) as { partialSuccess?: { rejectedSpans: number; errorMessage: string } };
    expect(response.partialSuccess?.rejectedSpans).toBe(1);
    expect(response.partialSuccess?.errorMessage).toContain('1 invalid_span_id');
    expect(await storedSpans(traceId)).toBe(1);
  });

  it('INVALID_ARGUMENT (not retryable) when nothing can be decoded or accepted', async () => {
    const garbage = await failure(exportCall(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01])));
    expect(garbage.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(garbage.details).toContain('not a valid protobuf ExportTraceServiceRequest');
    const late = await failure(
      exportCall(request([span(newTraceId(), { events: [{ timeUnixNano: '18446744073709551615', name: 'e' }] })])),
    );
    expect(late.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(late.details).toContain('spans[0].events[0].timeUnixNano');
    expect(retryDelaySeconds(late)).toBeUndefined();
  });

  it('UNAVAILABLE with a RetryInfo when the store fails; the retried call is stored once', async () => {
    const traceId = newTraceId();
    await tl.store.exec('RENAME TABLE otel_traces TO otel_traces_away');
    try {
      const err = await failure(exportCall(request([span(traceId)])));
      expect(err.code).toBe(grpc.status.UNAVAILABLE);
      expect(retryDelaySeconds(err)).toBe(5);
    } finally {
      await tl.store.exec('RENAME TABLE otel_traces_away TO otel_traces');
    }
    await exportCall(request([span(traceId)]));
    expect(await storedSpans(traceId)).toBe(1);
  });
});

describe('connection limits', () => {
  it('closes connections beyond OTLP_GRPC_MAX_CONNECTIONS at once and keeps serving', async () => {
    const [host, port] = tl.otlpGrpcAddress.split(':') as [string, string];
    const sockets: Socket[] = [];
    const closed = new Set<number>();
    for (let i = 0; i < 25; i++) {
      const socket = connect(Number(port), host);
      socket.on('error', () => {});
      socket.on('close', () => closed.add(i));
      sockets.push(socket);
    }
    await waitFor('the connections beyond the cap to be closed', () => (closed.size >= 5 ? true : undefined));
    for (const s of sockets) s.destroy();
    await waitFor('the held connections to be released', async () => {
      try {
        return (await exportCall(request([span(newTraceId())]))) ? true : undefined;
      } catch {
        return undefined;
      }
    });
  });

  it('closes a connection that sends nothing, or only part of the HTTP/2 preface, within HTTP_HEADERS_TIMEOUT_MS', async () => {
    const [host, port] = tl.otlpGrpcAddress.split(':') as [string, string];
    /** Milliseconds the connection stayed open; fails instead of waiting for grpc-js's keep-alive (minutes). */
    const openFor = (send: string) => {
      const started = Date.now();
      const socket = connect(Number(port), host, () => socket.write(send));
      socket.on('error', () => {});
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new Error(`still open after ${PREFACE_TIMEOUT_MS + 8000} ms`));
        }, PREFACE_TIMEOUT_MS + 8000);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve(Date.now() - started);
        });
      });
    };
    const [silent, partial] = await Promise.all([openFor(''), openFor('PRI * HTTP/2.0\r\n')]);
    expect(silent).toBeGreaterThanOrEqual(PREFACE_TIMEOUT_MS - 100);
    expect(partial).toBeGreaterThanOrEqual(PREFACE_TIMEOUT_MS - 100);
    // A real client still gets through.
    await expect(exportCall(request([span(newTraceId())]))).resolves.toBeInstanceOf(Buffer);
  });
});
