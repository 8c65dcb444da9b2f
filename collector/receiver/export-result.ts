import type { OtlpEncoding } from '../ingest.js';
import type { CollectorMetrics } from '../metrics.js';
import { OtlpDecodeError } from '../otlp/decode-error.js';
import { BufferClosedError, BufferFullError, StoreWriteError } from '../write-buffer.js';
import { RPC } from './otlp-responses.js';

/** The two OTLP signals the collector receives. */
export type Signal = 'traces' | 'logs';

/** What the client is told on success: how many items were rejected and why ('' and 0 when all were taken). */
export interface ExportResult {
  rejected: number;
  errorMessage: string;
}

/**
 * Every item of the request was rejected (malformed or invalid): nothing was stored, and retrying cannot help, so the
 * request as a whole is bad data — 400 / INVALID_ARGUMENT with the reasons, where a mix of good and bad items is a
 * 200 with partial success.
 */
export class NothingAcceptedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NothingAcceptedError';
  }
}

/** How a failed export is answered over HTTP (status, google.rpc.Code of the body) and gRPC. */
export interface ExportFailure {
  kind: 'bad_data' | 'retry' | 'internal';
  httpStatus: number;
  /** google.rpc.Code in the HTTP body. */
  code: number;
  /** The gRPC status: as `code`, except a full buffer is RESOURCE_EXHAUSTED with a retry delay there. */
  grpcCode: number;
  message: string;
  retryAfterSeconds?: number;
}

/** Seconds a client is asked to wait when the buffer is full (or closing) or the store failed. */
const RETRY_AFTER_FULL_S = 2;
const RETRY_AFTER_STORE_S = 5;

/** Classifies an error thrown by an ingest, counting undecodable requests. */
export function exportFailure(err: unknown, encoding: OtlpEncoding, metrics: CollectorMetrics): ExportFailure {
  if (err instanceof OtlpDecodeError) {
    metrics.rejectRequest(encoding === 'protobuf' ? 'bad_protobuf' : 'bad_json');
    return badData(err.message);
  }
  if (err instanceof NothingAcceptedError) return badData(err.message);
  if (err instanceof BufferFullError) {
    return retry(RPC.RESOURCE_EXHAUSTED, err.message, RETRY_AFTER_FULL_S);
  }
  if (err instanceof BufferClosedError) return retry(RPC.UNAVAILABLE, err.message, RETRY_AFTER_FULL_S);
  if (err instanceof StoreWriteError) {
    return retry(RPC.UNAVAILABLE, 'the span store failed; retry later', RETRY_AFTER_STORE_S);
  }
  return { kind: 'internal', httpStatus: 500, code: RPC.INTERNAL, grpcCode: RPC.INTERNAL, message: 'internal error' };
}

const badData = (message: string): ExportFailure => ({
  kind: 'bad_data',
  httpStatus: 400,
  code: RPC.INVALID_ARGUMENT,
  grpcCode: RPC.INVALID_ARGUMENT,
  message,
});

/** OTLP/HTTP answers every retryable failure 503 + Retry-After (UNAVAILABLE in the body). */
const retry = (grpcCode: number, message: string, retryAfterSeconds: number): ExportFailure => ({
  kind: 'retry',
  httpStatus: 503,
  code: RPC.UNAVAILABLE,
  grpcCode,
  message,
  retryAfterSeconds,
});
