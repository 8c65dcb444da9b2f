/** Small JSON-over-HTTP helpers for the analysis tests. */
export interface JsonResponse {
  status: number;
  // Response bodies are checked field by field in the tests.
  body: Record<string, any>;
}

export async function getJson(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const res = await fetch(baseUrl + path, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

export async function postJson(baseUrl: string, path: string, body: unknown): Promise<JsonResponse> {
  const res = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, any>) };
}

export const query = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(
    Object.entries(params)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  ).toString();
