import type { Response } from 'express';
import type { OtlpEncoding } from '../ingest.js';
import { ExportTraceServiceResponse, RetryInfo, RpcStatus } from '../otlp/proto-schema.js';
import type { ExportResult, Signal } from './export-result.js';

const CONTENT_TYPE: Record<OtlpEncoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

/** google.rpc.Code values (the same numbers as gRPC status codes). */
export const RPC = {
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/**
 * An Export{Trace,Logs}ServiceResponse, `partial_success` set only when items were rejected or a warning is due.
 * Both messages have the same fields under the same numbers, so one protobuf encoding serves both signals.
 */
export function exportResponseBytes(result: ExportResult): Buffer {
  const partial = result.rejected > 0 || result.errorMessage !== '';
  const message = ExportTraceServiceResponse.fromObject(
    partial ? { partialSuccess: { rejectedSpans: result.rejected, errorMessage: result.errorMessage } } : {},
  );
  return Buffer.from(ExportTraceServiceResponse.encode(message).finish());
}

const REJECTED_JSON_KEY: Record<Signal, string> = { traces: 'rejectedSpans', logs: 'rejectedLogRecords' };

/** 200 with the export response in the request's encoding. */
export function sendExportResponse(res: Response, encoding: OtlpEncoding, signal: Signal, result: ExportResult): void {
  res.status(200).type(CONTENT_TYPE[encoding]);
  if (encoding === 'protobuf') {
    res.send(exportResponseBytes(result));
    return;
  }
  const partial = result.rejected > 0 || result.errorMessage !== '';
  res.send(
    partial
      ? JSON.stringify({
          partialSuccess: { [REJECTED_JSON_KEY[signal]]: String(result.rejected), errorMessage: result.errorMessage },
        })
      : '{}',
  );
}

/** A google.rpc.Status, with a RetryInfo detail when the client is asked to wait before retrying. */
export function rpcStatusBytes(code: number, message: string, retryAfterSeconds?: number): Buffer {
  const details =
    retryAfterSeconds === undefined
      ? []
      : [
          {
            typeUrl: 'type.googleapis.com/google.rpc.RetryInfo',
            value: RetryInfo.encode(RetryInfo.fromObject({ retryDelay: { seconds: retryAfterSeconds } })).finish(),
          },
        ];
  return Buffer.from(RpcStatus.encode(RpcStatus.fromObject({ code, message, details })).finish());
}

/** An error status with a google.rpc.Status body (and Retry-After when the client should retry later). */
export function sendRpcStatus(
  res: Response,
  encoding: OtlpEncoding,
  httpStatus: number,
  code: number,
  message: string,
  retryAfterSeconds?: number,
): void {
  res.status(httpStatus).type(CONTENT_TYPE[encoding]);
  if (retryAfterSeconds !== undefined) res.set('Retry-After', String(retryAfterSeconds));
  if (encoding === 'json') {
    res.send(JSON.stringify({ code, message }));
    return;
  }
  res.send(rpcStatusBytes(code, message, retryAfterSeconds));
}
