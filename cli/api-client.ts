import { EXIT, RequestFailed, UsageError } from './exit-codes.js';

export interface ClientSettings {
  baseUrl: string;
  apiKey: string | undefined;
  timeoutMs: number;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

const DEFAULT_URL = 'http://127.0.0.1:8080';
const DEFAULT_TIMEOUT_MS = 30_000;

/** Reads TRACELANE_URL, TRACELANE_API_KEY and TRACELANE_TIMEOUT_MS. */
export function settingsFrom(env: NodeJS.ProcessEnv): ClientSettings {
  const baseUrl = (env.TRACELANE_URL || DEFAULT_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(baseUrl) || !URL.canParse(baseUrl)) {
    throw new UsageError(`TRACELANE_URL must be an http(s) URL such as ${DEFAULT_URL}; got "${baseUrl}"`);
  }
  const timeoutMs = env.TRACELANE_TIMEOUT_MS ? Number(env.TRACELANE_TIMEOUT_MS) : DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new UsageError('TRACELANE_TIMEOUT_MS must be a positive whole number of milliseconds');
  }
  return { baseUrl, apiKey: env.TRACELANE_API_KEY || undefined, timeoutMs };
}

/**
 * One API call. Resolves with any 2xx answer; throws RequestFailed with exit code 2 for a 4xx (message from the
 * API's `{"error":{"message","field"}}`) and 3 for a 5xx, a network failure, a timeout or a non-JSON answer.
 */
export async function callApi(
  settings: ClientSettings,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<ApiResponse> {
  const url = `${settings.baseUrl}/api/v1${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (err) {
    throw new RequestFailed(
      `cannot reach ${settings.baseUrl}: ${networkReason(err, settings.timeoutMs)}`,
      EXIT.unavailable,
    );
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new RequestFailed(
      `${method} ${url} answered HTTP ${response.status} with a body that is not JSON`,
      EXIT.unavailable,
    );
  }
  if (response.ok) return { status: response.status, body: parsed };
  const code = response.status < 500 ? EXIT.rejected : EXIT.unavailable;
  throw new RequestFailed(`${errorMessage(parsed) ?? 'request failed'} (HTTP ${response.status})`, code, parsed);
}

function errorMessage(body: unknown): string | undefined {
  const error = (body as { error?: { message?: unknown; field?: unknown } } | undefined)?.error;
  if (typeof error?.message !== 'string') return undefined;
  return typeof error.field === 'string' && !error.message.includes(error.field)
    ? `${error.field}: ${error.message}`
    : error.message;
}

function networkReason(err: unknown, timeoutMs: number): string {
  if (err instanceof DOMException && err.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? String(err);
}
