import * as grpc from '@grpc/grpc-js';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { Config } from '../../server/config.js';
import type { Logger } from '../../server/log.js';
import type { CollectorMetrics } from '../metrics.js';
import type { OtlpEncoding } from '../ingest.js';
import { exportFailure, type ExportResult } from './export-result.js';
import { InflightBudget, InflightShare } from './inflight-budget.js';
import type { IngestKeyCheck } from './ingest-keys.js';
import { exportResponseBytes, RPC, rpcStatusBytes } from './otlp-responses.js';

/** What the gRPC receiver shares with the HTTP one: one ingest per signal, the key check, budget and counters. */
type Ingest = (body: Uint8Array, encoding: OtlpEncoding) => Promise<ExportResult>;

export interface GrpcReceiverOptions {
  ingestTraces: Ingest;
  ingestLogs: Ingest;
  authorized: IngestKeyCheck;
  budget: InflightBudget;
  metrics: CollectorMetrics;
  config: Config;
  log: Logger;
}

export interface GrpcReceiver {
  address: AddressInfo;
  /** Stops accepting connections and calls, waits for the calls in progress (cut off after 10 s). */
  close(): Promise<void>;
}

/**
 * The OTLP services over unary gRPC. Messages travel as raw bytes (no .proto loaded: grpc-js only frames them) and
 * are decoded once, by the same protobuf codec and worker pool as OTLP/HTTP.
 */
const raw = (bytes: Buffer) => bytes;
const exportService = (service: string): grpc.ServiceDefinition => ({
  Export: {
    path: `/opentelemetry.proto.collector.${service}/Export`,
    requestStream: false,
    responseStream: false,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: raw,
    responseDeserialize: raw,
  },
});

const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Starts OTLP/gRPC (`TraceService/Export`, `LogsService/Export`) on OTLP_GRPC_PORT with the OTLP status codes: the
 * ingest key in `authorization` (Bearer or Basic) or `x-api-key` metadata, else UNAUTHENTICATED; INVALID_ARGUMENT for
 * undecodable data; RESOURCE_EXHAUSTED with a RetryInfo when the buffer or OTLP_MAX_INFLIGHT_BYTES is full;
 * UNAVAILABLE with a RetryInfo when the store failed or the collector is closing. gzip is decompressed by grpc-js,
 * within OTLP_MAX_BODY_BYTES (larger messages get RESOURCE_EXHAUSTED, not retryable without RetryInfo). grpc-js has
 * no connection cap of its own, so it serves connections accepted by a net.Server that holds at most
 * OTLP_GRPC_MAX_CONNECTIONS. Nor does it time out a connection that never starts HTTP/2 (its keep-alive ping would
 * close a silent one only after OTLP_GRPC_KEEPALIVE_MS + 20 s): a connection is handed to grpc-js only once the
 * client's connection preface has arrived, within HTTP_HEADERS_TIMEOUT_MS (awaitPreface).
 */
export async function startGrpcReceiver(options: GrpcReceiverOptions, host: string): Promise<GrpcReceiver> {
  const { config } = options;
  const server = new grpc.Server({
    'grpc.max_receive_message_length': config.OTLP_MAX_BODY_BYTES,
    'grpc.max_concurrent_streams': config.OTLP_GRPC_MAX_CONCURRENT_STREAMS,
    'grpc.keepalive_time_ms': config.OTLP_GRPC_KEEPALIVE_MS,
    'grpc.keepalive_timeout_ms': 20_000,
    'grpc.max_connection_idle_ms': config.OTLP_GRPC_MAX_CONNECTION_IDLE_MS,
    'grpc.max_connection_age_ms': config.OTLP_GRPC_MAX_CONNECTION_AGE_MS,
    'grpc.max_connection_age_grace_ms': 30_000,
    'grpc.enable_channelz': 0,
  });
  server.addService(exportService('trace.v1.TraceService'), { Export: exportCall(options, options.ingestTraces) });
  server.addService(exportService('logs.v1.LogsService'), { Export: exportCall(options, options.ingestLogs) });
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());

  const listener = createServer((socket) =>
    awaitPreface(socket, config.HTTP_HEADERS_TIMEOUT_MS, () => injector.injectConnection(socket)),
  );
  listener.maxConnections = config.OTLP_GRPC_MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(config.OTLP_GRPC_PORT, host, () => resolve());
  });
  return {
    address: listener.address() as AddressInfo,
    close: async () => {
      listener.close();
      injector.drain(SHUTDOWN_GRACE_MS);
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, SHUTDOWN_GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      injector.destroy();
    },
  };
}

/** What an HTTP/2 client sends first: this magic, then a SETTINGS frame (RFC 9113 §3.4). */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const FRAME_HEADER_BYTES = 9;
const SETTINGS_FRAME = 0x4;

/**
 * Calls `ready` once the client's connection preface (the magic and a whole SETTINGS frame) has arrived, with those
 * bytes put back for HTTP/2 to read; a connection that does not send it within `timeoutMs`, or sends something else,
 * is closed — so silent or stalled connections cannot hold the port's slots (OTLP_GRPC_MAX_CONNECTIONS).
 */
export function awaitPreface(socket: Socket, timeoutMs: number, ready: () => void): void {
  let received = Buffer.alloc(0);
  const fail = () => {
    clearTimeout(timer);
    socket.off('data', onData);
    socket.destroy();
  };
  const timer = setTimeout(fail, timeoutMs);
  const onData = (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    const magic = received.subarray(0, PREFACE.length);
    if (!magic.equals(PREFACE.subarray(0, magic.length))) return fail();
    const header = received.subarray(PREFACE.length, PREFACE.length + FRAME_HEADER_BYTES);
    if (header.length < FRAME_HEADER_BYTES) return;
    if (header[3] !== SETTINGS_FRAME) return fail();
    if (received.length < PREFACE.length + FRAME_HEADER_BYTES + header.readUIntBE(0, 3)) return;
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('error', fail);
    socket.pause();
    socket.unshift(received);
    ready();
  };
  socket.on('data', onData);
  socket.on('error', fail);
  socket.once('close', () => clearTimeout(timer));
}

const first = (values: grpc.MetadataValue[]) => (typeof values[0] === 'string' ? values[0] : undefined);

function exportCall(
  { authorized, budget, metrics, log }: GrpcReceiverOptions,
  ingest: Ingest,
): grpc.handleUnaryCall<Buffer, Buffer> {
  return (call, callback) => {
    if (!authorized(first(call.metadata.get('authorization')), first(call.metadata.get('x-api-key')))) {
      metrics.rejectRequest('unauthorized');
      callback(
        status(RPC.UNAUTHENTICATED, 'missing or unknown ingest key: send "authorization: Bearer <key>" metadata'),
      );
      return;
    }
    const share = new InflightShare(budget);
    if (!share.take(call.request.length)) {
      metrics.rejectRequest('inflight_bytes');
      const message = 'the collector is processing as many export bytes as it may (OTLP_MAX_INFLIGHT_BYTES)';
      callback(status(RPC.RESOURCE_EXHAUSTED, message, InflightBudget.RETRY_AFTER_S));
      return;
    }
    ingest(call.request, 'protobuf')
      .then(
        (result) => callback(null, exportResponseBytes(result)),
        (err: unknown) => {
          const failure = exportFailure(err, 'protobuf', metrics);
          if (failure.kind === 'internal') {
            log.error('export call failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
          }
          callback(status(failure.grpcCode, failure.message, failure.retryAfterSeconds));
        },
      )
      .finally(() => share.release());
  };
}

/** A gRPC error status; a retry delay travels as google.rpc.RetryInfo in `grpc-status-details-bin`. */
function status(code: number, message: string, retryAfterSeconds?: number): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  if (retryAfterSeconds !== undefined) {
    metadata.set('grpc-status-details-bin', rpcStatusBytes(code, message, retryAfterSeconds));
  }
  return { code, details: message, metadata };
}
