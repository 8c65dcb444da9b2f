import type { Response } from 'express';
import { ExportTraceServiceResponse, RpcStatus } from '../otlp/proto-schema.js';

import type { OtlpEncoding } from '../ingest.js';

const CONTENT_TYPE: Record<OtlpEncoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

/** google.rpc.Code values used in error bodies. */
export const RPC = {
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** 200 with an ExportTraceServiceResponse; `partial_success` only when spans were rejected or a warning is due. */
export function sendExportResponse(
  res: Response,
  encoding: OtlpEncoding,
  rejectedSpans: number,
  errorMessage: string,
): void {
  const partial = rejectedSpans > 0 || errorMessage !== '';
  res.status(200).type(CONTENT_TYPE[encoding]);
  if (encoding === 'json') {
    res.send(
      partial ? JSON.stringify({ partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } }) : '{}',
    );
    return;
  }
  const message = ExportTraceServiceResponse.fromObject(
    partial ? { partialSuccess: { rejectedSpans, errorMessage } } : {},
  );
  res.send(Buffer.from(ExportTraceServiceResponse.encode(message).finish()));
}

/** An error status with a google.rpc.Status body. */
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
  res.send(Buffer.from(RpcStatus.encode(RpcStatus.fromObject({ code, message })).finish()));
}
