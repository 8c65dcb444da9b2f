/** The few calls the demo makes to Tracelane's HTTP API, as any client outside this repository would. */
export interface ApiClient {
  readonly baseUrl: string;
  /** Headers that authenticate a request (none when the server runs without API keys). */
  headers(extra?: Record<string, string>): Record<string, string>;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function apiClient(baseUrl: string, apiKey?: string): ApiClient {
  const headers = (extra: Record<string, string> = {}) => ({
    ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
    ...extra,
  });
  const send = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) {
      throw new ApiError(res.status, `${method} ${path}: ${res.status} ${errorMessage(text)}`);
    }
    return JSON.parse(text) as T;
  };
  return {
    baseUrl,
    headers,
    get: (path) => send('GET', path),
    post: (path, body) => send('POST', path, body),
    patch: (path, body) => send('PATCH', path, body),
  };
}

function errorMessage(body: string): string {
  try {
    return (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? body;
  } catch {
    return body;
  }
}
