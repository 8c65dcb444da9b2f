/**
 * The one error type of model calls. `retryable` says whether trying the same call again may succeed (rate limits,
 * overload, 5xx, timeouts, network failures) or not (bad request, authentication, quota, malformed answer,
 * cancellation). Messages never contain the connection's secret (the call site redacts provider messages).
 */
export type ModelErrorKind =
  | 'rate_limited'
  | 'quota'
  | 'server'
  | 'overloaded'
  | 'timeout'
  | 'network'
  | 'auth'
  | 'bad_request'
  | 'malformed_response'
  | 'cancelled'
  | 'configuration';

export class ModelCallError extends Error {
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    readonly retryable: boolean,
    /** The provider's HTTP status, when it answered. */
    readonly status?: number,
    /** How long the provider asked to wait (Retry-After), when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ModelCallError';
  }
}

/** Classifies an HTTP error answer the way the official SDKs do (408, 409, 429 and ≥ 500 retry). */
export function errorFromStatus(
  status: number,
  headers: Headers,
  providerMessage: string,
  providerCode: string,
  retryAfterMs: number | undefined,
): ModelCallError {
  const said = `provider answered HTTP ${status}${providerMessage ? `: ${providerMessage}` : ''}`;
  const override = headers.get('x-should-retry');
  const make = (kind: ModelErrorKind, retryable: boolean) =>
    new ModelCallError(kind, said, override === null ? retryable : override === 'true', status, retryAfterMs);
  if (status === 429) return providerCode === 'insufficient_quota' ? make('quota', false) : make('rate_limited', true);
  if (status === 529) return make('overloaded', true);
  if (status >= 500) return make('server', true);
  if (status === 408) return make('timeout', true);
  if (status === 409) return make('server', true);
  if (status === 401 || status === 403) return make('auth', false);
  return make('bad_request', false);
}

/** Removes every occurrence of the secret from a text that came from elsewhere (a provider's error message). */
export function redact(text: string, secret: string): string {
  return secret.length >= 4 ? text.split(secret).join('[redacted]') : text;
}
