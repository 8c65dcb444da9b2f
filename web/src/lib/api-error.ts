/** An API failure as the UI shows it: the HTTP status and the server's `{"error":{"code","message","field"}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get unauthorized(): boolean {
    return this.status === 401;
  }
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; field?: unknown };
}

/** Builds the error of a failed response from its body text (JSON error envelope, or anything else). */
export function errorFromResponse(status: number, statusText: string, bodyText: string): ApiError {
  let body: ErrorBody | undefined;
  try {
    body = JSON.parse(bodyText) as ErrorBody;
  } catch {
    body = undefined;
  }
  const e = body?.error;
  if (e && typeof e.message === 'string') {
    return new ApiError(
      status,
      typeof e.code === 'string' ? e.code : 'error',
      e.message,
      typeof e.field === 'string' ? e.field : undefined,
    );
  }
  const text = bodyText.trim().slice(0, 200);
  return new ApiError(
    status,
    'http_error',
    `${status} ${statusText}${text && !text.startsWith('<') ? `: ${text}` : ''}`,
  );
}

/** A request that never got an answer (server down, connection refused). */
export const networkError = (cause: unknown): ApiError =>
  new ApiError(
    0,
    'network',
    `the Tracelane server cannot be reached (${cause instanceof Error ? cause.message : String(cause)})`,
  );

/** The API answered 404: what the URL names (a trace id, a prompt) does not exist. */
export const isNotFound = (error: unknown): boolean => error instanceof ApiError && error.status === 404;

/** One sentence for an error box. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return `Not allowed: ${error.message}`;
    if (error.status === 404) return `Not found: ${error.message}`;
    if (error.status === 503) return `The server is temporarily unavailable: ${error.message}`;
    return error.field ? `${error.message} (field: ${error.field})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
