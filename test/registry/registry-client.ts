import { randomUUID } from 'node:crypto';

/** A JSON client for the registry API of a running Tracelane, optionally with an API key. */
export interface ApiError {
  code: string;
  message: string;
  field?: string;
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  /** The JSON body, typed as the caller expects it on success. */
  body: T;
  /** The `error` object of a 4xx/5xx body. */
  error: ApiError | undefined;
}

export interface Client {
  get<T = unknown>(path: string, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  post<T = unknown>(path: string, body?: unknown): Promise<ApiResponse<T>>;
  put<T = unknown>(path: string, body?: unknown): Promise<ApiResponse<T>>;
  patch<T = unknown>(path: string, body?: unknown): Promise<ApiResponse<T>>;
  delete<T = unknown>(path: string): Promise<ApiResponse<T>>;
}

export function client(baseUrl: string, key?: string): Client {
  const send = async <T>(
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...extra };
    if (key !== undefined) headers['authorization'] = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(baseUrl + path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const json = (text === '' ? null : JSON.parse(text)) as T & { error?: ApiError };
    return { status: res.status, headers: res.headers, body: json, error: res.ok ? undefined : json?.error };
  };
  return {
    get: <T>(path: string, headers?: Record<string, string>) => send<T>('GET', path, undefined, headers),
    post: <T>(path: string, body?: unknown) => send<T>('POST', path, body),
    put: <T>(path: string, body?: unknown) => send<T>('PUT', path, body),
    patch: <T>(path: string, body?: unknown) => send<T>('PATCH', path, body),
    delete: <T>(path: string) => send<T>('DELETE', path),
  };
}

/** A fresh prompt name, so tests sharing one server never see each other's data. */
export const uniqueName = (prefix = 'test') => `${prefix}/${randomUUID().slice(0, 8)}`;

/** The path segment for a prompt name (`/` encoded as `%2F`). */
export const enc = encodeURIComponent;

/** A valid version body whose content differs by `n`. */
export function versionBody(n: number, extra: Record<string, unknown> = {}) {
  return {
    provider: 'openai',
    model: 'gpt-4o-mini',
    settings: { temperature: 0.2 },
    messages: [
      { role: 'system', content: `You are a support assistant (revision ${n}).` },
      { role: 'user', content: '{{question}}' },
    ],
    variables: ['question'],
    commitMessage: `revision ${n}`,
    ...extra,
  };
}

/** Creates a prompt with `versions` versions (numbered 1..versions) and returns its name. */
export async function promptWithVersions(api: Client, versions: number, prefix = 'test'): Promise<string> {
  const name = uniqueName(prefix);
  const created = await api.post('/api/v1/prompts', { name, description: 'made by a test' });
  if (created.status !== 201) throw new Error(`creating prompt failed: ${JSON.stringify(created.body)}`);
  for (let n = 1; n <= versions; n++) {
    const res = await api.post(`/api/v1/prompts/${enc(name)}/versions`, versionBody(n));
    if (res.status !== 201) throw new Error(`creating version failed: ${JSON.stringify(res.body)}`);
  }
  return name;
}
