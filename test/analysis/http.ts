/** Small JSON-over-HTTP helpers for the analysis tests; `T` is the route's documented response type. */
export interface ErrorBody {
  error?: { code: string; message: string; field?: string };
}

export interface JsonResponse<T> {
  status: number;
  body: T & ErrorBody;
}

export async function getJson<T>(baseUrl: string, path: string): Promise<JsonResponse<T>> {
  const res = await fetch(baseUrl + path);
  return { status: res.status, body: (await res.json()) as T & ErrorBody };
}

export async function postJson<T>(
  baseUrl: string,
  path: string,
  body: unknown,
  method = 'POST',
): Promise<JsonResponse<T>> {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as T & ErrorBody };
}

export const query = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(
    Object.entries(params)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  ).toString();
