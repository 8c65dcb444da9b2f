import type { Request, RequestHandler, Response } from 'express';
import type { AuthThrottle } from '../../server/http/auth-throttle.js';
import type { Logger } from '../../server/log.js';
import type { CollectorMetrics } from '../metrics.js';
import { OtlpDecodeError } from '../otlp/decode-error.js';
import type { OtlpEncoding } from '../ingest.js';
import { BufferClosedError, BufferFullError, StoreWriteError } from '../write-buffer.js';
import { ingestKeyCheck, presentsKey } from './ingest-keys.js';
import { sendExportResponse, sendRpcStatus, RPC } from './otlp-responses.js';
import { BodyError, readBody } from './read-body.js';

/** What the client is told on success: how many spans were rejected and why (empty when all were stored). */
export interface IngestResult {
  rejectedSpans: number;
  errorMessage: string;
}

export interface TracesHandlerOptions {
  /** Decodes, validates, normalises and stores one body; throws OtlpDecodeError or the write buffer's refusal. */
  ingest(body: Uint8Array, encoding: OtlpEncoding): Promise<IngestResult>;
  ingestKeys: readonly string[];
  /** Too many wrong keys from one address: 429 before the key is looked at. */
  authThrottle: AuthThrottle;
  maxBodyBytes: number;
  metrics: CollectorMetrics;
  log: Logger;
}

/** Seconds an OTLP client is asked to wait before retrying when the buffer is full or the store failed. */
const RETRY_AFTER_FULL_S = 2;
const RETRY_AFTER_STORE_S = 5;

/**
 * `POST /v1/traces` per the OTLP/HTTP specification: protobuf or JSON (media type matched with or without
 * parameters), optional gzip, the response in the request's encoding. Errors carry a google.rpc.Status:
 * 400 bad data (do not retry), 401 missing ingest key, 413 too large, 415 unsupported content type or encoding,
 * 503 with Retry-After when the buffer is full or the store failed (retry).
 */
export function tracesHandler(options: TracesHandlerOptions): RequestHandler {
  const authorized = ingestKeyCheck(options.ingestKeys);
  const { metrics } = options;
  return async (req, res) => {
    const encoding = mediaType(req);
    const reply = encoding ?? 'json';
    const wait = options.authThrottle.retryAfterSeconds(req.ip);
    if (wait > 0) {
      metrics.rejectRequest('too_many_auth_failures');
      const message = `too many wrong ingest keys from this address: retry in ${wait} s`;
      return sendRpcStatus(res, reply, 429, RPC.RESOURCE_EXHAUSTED, message, wait);
    }
    if (!authorized(req.headers)) {
      if (presentsKey(req)) options.authThrottle.failed(req.ip);
      metrics.rejectRequest('unauthorized');
      return sendRpcStatus(
        res,
        reply,
        401,
        RPC.UNAUTHENTICATED,
        'missing or unknown ingest key: send "Authorization: Bearer <key>" or "x-api-key: <key>"',
      );
    }
    if (!encoding) {
      metrics.rejectRequest('unsupported_media_type');
      return sendRpcStatus(
        res,
        reply,
        415,
        RPC.INVALID_ARGUMENT,
        `Content-Type must be application/x-protobuf or application/json, not ${JSON.stringify(req.get('content-type') ?? '')}`,
      );
    }
    const contentEncoding = (req.get('content-encoding') ?? 'identity').trim().toLowerCase();
    if (contentEncoding !== 'identity' && contentEncoding !== 'gzip') {
      metrics.rejectRequest('unsupported_media_type');
      return sendRpcStatus(
        res,
        reply,
        415,
        RPC.INVALID_ARGUMENT,
        `Content-Encoding must be gzip or absent, not ${JSON.stringify(contentEncoding)}`,
      );
    }
    try {
      const body = await readBody(req, contentEncoding === 'gzip', options.maxBodyBytes);
      const result = await options.ingest(body, encoding);
      sendExportResponse(res, encoding, result.rejectedSpans, result.errorMessage);
    } catch (err) {
      sendFailure(res, encoding, err, options);
    }
  };
}

function mediaType(req: Request): OtlpEncoding | undefined {
  const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

function sendFailure(
  res: Response,
  encoding: OtlpEncoding,
  err: unknown,
  { metrics, log }: TracesHandlerOptions,
): void {
  if (err instanceof BodyError) {
    metrics.rejectRequest(err.reason);
    if (err.reason === 'too_large') res.set('Connection', 'close');
    return sendRpcStatus(res, encoding, err.reason === 'too_large' ? 413 : 400, RPC.INVALID_ARGUMENT, err.message);
  }
  if (err instanceof OtlpDecodeError) {
    metrics.rejectRequest(encoding === 'protobuf' ? 'bad_protobuf' : 'bad_json');
    return sendRpcStatus(res, encoding, 400, RPC.INVALID_ARGUMENT, err.message);
  }
  if (err instanceof BufferFullError || err instanceof BufferClosedError) {
    return sendRpcStatus(res, encoding, 503, RPC.UNAVAILABLE, err.message, RETRY_AFTER_FULL_S);
  }
  if (err instanceof StoreWriteError) {
    return sendRpcStatus(
      res,
      encoding,
      503,
      RPC.UNAVAILABLE,
      'the span store failed; retry later',
      RETRY_AFTER_STORE_S,
    );
  }
  log.error('export request failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  sendRpcStatus(res, encoding, 500, RPC.INTERNAL, 'internal error');
}
