import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../../server/log.js';
import type { CollectorMetrics } from '../metrics.js';
import type { OtlpEncoding } from '../ingest.js';
import type { AuthThrottle } from '../../server/http/auth-throttle.js';
import { presentsKey, type IngestKeyCheck } from './ingest-keys.js';
import { InflightBudget, InflightShare } from './inflight-budget.js';
import { exportFailure, type ExportResult, type Signal } from './export-result.js';
import { sendExportResponse, sendRpcStatus, RPC } from './otlp-responses.js';
import { BodyError, readBody } from './read-body.js';

export interface ExportHandlerOptions {
  signal: Signal;
  /** Decodes and stores one body; throws what export-result.ts maps to a status. */
  ingest(body: Uint8Array, encoding: OtlpEncoding): Promise<ExportResult>;
  authorized: IngestKeyCheck;
  /** Too many wrong keys from one address: 429 before the key is looked at. */
  authThrottle: AuthThrottle;
  maxBodyBytes: number;
  budget: InflightBudget;
  metrics: CollectorMetrics;
  log: Logger;
}

/**
 * An OTLP/HTTP export route (`POST /v1/traces`, `/v1/logs`) per the OTLP/HTTP specification: protobuf or JSON (media
 * type matched with or without parameters), optional gzip, the response in the request's encoding. Errors carry a
 * google.rpc.Status: 400 bad data (do not retry), 401 missing ingest key, 413 too large, 415 unsupported content
 * type or encoding, 429 with Retry-After when OTLP_MAX_INFLIGHT_BYTES is reached or the client address made too
 * many failed authentications, 503 with Retry-After when the buffer is full or the store failed (retry). A client
 * that goes away mid-upload is counted, not logged as an error.
 */
export function exportHandler(options: ExportHandlerOptions): RequestHandler {
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
    const { authorization, 'x-api-key': apiKey } = req.headers;
    if (!options.authorized(authorization, apiKey)) {
      if (presentsKey(authorization, apiKey)) options.authThrottle.failed(req.ip);
      metrics.rejectRequest('unauthorized');
      return sendRpcStatus(
        res,
        reply,
        401,
        RPC.UNAUTHENTICATED,
        'missing or unknown ingest key: send "Authorization: Bearer <key>" (or Basic with the key as password) or "x-api-key: <key>"',
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
    const share = new InflightShare(options.budget);
    try {
      const body = await readBody(req, contentEncoding === 'gzip', options.maxBodyBytes, share);
      const result = await options.ingest(body, encoding);
      sendExportResponse(res, encoding, options.signal, result);
    } catch (err) {
      sendFailure(res, encoding, err, options);
    } finally {
      share.release();
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
  { metrics, log }: ExportHandlerOptions,
): void {
  if (err instanceof BodyError) {
    metrics.rejectRequest(err.reason);
    if (err.reason === 'aborted') return; // nobody is left to answer
    if (err.reason === 'inflight_bytes') {
      return sendRpcStatus(res, encoding, 429, RPC.RESOURCE_EXHAUSTED, err.message, InflightBudget.RETRY_AFTER_S);
    }
    if (err.reason === 'too_large') res.set('Connection', 'close');
    return sendRpcStatus(res, encoding, err.reason === 'too_large' ? 413 : 400, RPC.INVALID_ARGUMENT, err.message);
  }
  const failure = exportFailure(err, encoding, metrics);
  if (failure.kind === 'internal') {
    log.error('export request failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
  sendRpcStatus(res, encoding, failure.httpStatus, failure.code, failure.message, failure.retryAfterSeconds);
}
