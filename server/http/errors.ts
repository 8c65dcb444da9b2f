import type { ErrorRequestHandler } from 'express';
import { STATUS_CODES } from 'node:http';
import type { Logger } from '../log.js';
import { StoreError } from '../store/store.js';

/**
 * An error with an HTTP status that the error middleware turns into `{"error":{"code","message","field"}}`, with
 * `details` (if any) as further members beside `error`, e.g. the current state a 409 conflicted with.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, field?: string) => new AppError(400, 'bad_request', message, field);
export const unauthorized = (message = 'missing or unknown API key') => new AppError(401, 'unauthorized', message);
export const forbidden = (message: string) => new AppError(403, 'forbidden', message);
export const notFound = (message: string, field?: string) => new AppError(404, 'not_found', message, field);
export const conflict = (message: string, field?: string, details?: Record<string, unknown>) =>
  new AppError(409, 'conflict', message, field, details);
export const tooManyRequests = (message: string) => new AppError(429, 'too_many_requests', message);

/**
 * The one error middleware: known errors keep their status and message; unknown ones are logged and hidden. A
 * library's client error (a 4xx from the JSON parser, the router, the static file server) keeps its status but gets
 * a message of ours: theirs may carry file-system paths of the installation (`ENOENT: … stat '/srv/…/web/dist/…'`).
 */
export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const body = (status: number, code: string, message: string, field?: string, details?: Record<string, unknown>) =>
      res.status(status).json({ ...details, error: { code, message, ...(field ? { field } : {}) } });
    if (err instanceof AppError) return body(err.status, err.code, err.message, err.field, err.details);
    const libraryError = err as { type?: string; status?: number };
    if (libraryError.type === 'entity.parse.failed') return body(400, 'bad_request', 'request body is not valid JSON');
    if (libraryError.type === 'entity.too.large') return body(413, 'too_large', 'request body is too large');
    const status = libraryError.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      if (status === 404) return body(404, 'not_found', 'not found');
      if (err instanceof URIError) return body(400, 'bad_request', 'the path is not valid percent-encoded UTF-8');
      return body(status, 'bad_request', (STATUS_CODES[status] ?? 'bad request').toLowerCase());
    }
    if (err instanceof StoreError) {
      log.error('storage failure', { error: err.message });
      return body(503, 'store_unavailable', 'the storage backend failed; retry later');
    }
    log.error('unhandled error', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    return body(500, 'internal', 'internal error');
  };
}
