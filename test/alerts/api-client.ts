/** JSON over HTTP with an API key, for the alerting tests. */
export interface Reply<T> {
  status: number;
  body: T & { error?: { code: string; message: string; field?: string } };
  text: string;
}

export function apiClient(baseUrl: string, key?: string) {
  return async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Reply<T>> {
    const res = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as Reply<T>['body'], text };
  };
}

export type ApiCall = ReturnType<typeof apiClient>;
