import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { client, enc, promptWithVersions, versionBody, type Client } from '../registry/registry-client.js';

/**
 * Client mistakes are 400s naming the field — never a 503 "retry later" or a 500 — and they are caught by the shared
 * validators (server/http/validation.ts), so every route that reads a time, a body or a duration benefits.
 */
let t: TestTracelane;
let api: Client;
let prompt: string;
beforeAll(async () => {
  t = await startTestTracelane();
  api = client(t.apiUrl);
  prompt = await promptWithVersions(api, 1);
});
afterAll(() => t.close());

const deeply = (depth: number) => {
  let value = '1';
  for (let i = 0; i < depth; i++) value = `{"a":${value}}`;
  return value;
};
const raw = async (method: string, path: string, body: string) => {
  const res = await fetch(t.apiUrl + path, { method, headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, error: ((await res.json()) as { error?: { field?: string; message: string } }).error };
};

describe('client errors are 400s naming the field', () => {
  it('minDurationMs of 1e10', async () => {
    const res = await api.get('/api/v1/traces?minDurationMs=1e10');
    expect([res.status, res.error?.field]).toEqual([400, 'minDurationMs']);
  });

  it('a `to` after 2262, on every route that takes a time', async () => {
    const after2262 = Date.parse('2263-01-01T00:00:00Z');
    for (const path of [
      `/api/v1/traces?to=${after2262}`,
      `/api/v1/deployments?to=2263-01-01T00:00:00Z`,
      `/api/v1/metrics/timeseries?environment=production&prompt=${enc(prompt)}&to=${after2262}`,
    ]) {
      const res = await api.get(path);
      expect([res.status, res.error?.field], path).toEqual([400, 'to']);
      expect(res.error?.message).toContain('between 1970-01-01 and 2100-01-01');
    }
    const external = await api.post('/api/v1/deployments/external', {
      prompt,
      environment: 'staging',
      version: 1,
      timestamp: after2262,
    });
    expect([external.status, external.error?.field]).toEqual([400, 'timestamp']);
  });

  it('a /compare window after 2106 (where the rollups’ 32-bit minutes wrap around)', async () => {
    const res = await api.get(
      `/api/v1/compare?environment=production&prompt=${enc(prompt)}&from=2107-01-01T00:00:00Z&to=2107-02-01T00:00:00Z`,
    );
    expect([res.status, res.error?.field]).toEqual([400, 'to']);
  });

  it('a lone surrogate in a JSON string or key', async () => {
    const description = await raw('POST', '/api/v1/prompts', '{"name":"surrogate/a","description":"a\\ud800b"}');
    expect(description).toMatchObject({ status: 400, error: { field: 'description' } });
    const message = await raw(
      'POST',
      `/api/v1/prompts/${enc(prompt)}/versions`,
      JSON.stringify(versionBody(2)).replace('revision 2', 'revision \\udfff'),
    );
    expect(message).toMatchObject({ status: 400, error: { field: 'messages.0.content' } });
    const key = await raw('PATCH', '/api/v1/environments/qa', '{"policies":{"detector":{"\\ud800":1}}}');
    expect(key.status).toBe(400);
    const pair = await api.post('/api/v1/prompts', { name: 'surrogate/pair', description: 'a pair is fine: 😀' });
    expect(pair.status).toBe(201);
  });

  it('settings nested 10,000 deep, and detector policies likewise', async () => {
    const body = JSON.stringify(versionBody(3)).replace('{"temperature":0.2}', deeply(10_000));
    const version = await raw('POST', `/api/v1/prompts/${enc(prompt)}/versions`, body);
    expect(version.status).toBe(400);
    expect(version.error?.field).toMatch(/^settings/);
    expect(version.error?.message).toContain('nest deeper than 64 levels');
    const policies = await raw('PATCH', '/api/v1/environments/qa', `{"policies":{"detector":{"x":${deeply(10_000)}}}}`);
    expect(policies.status).toBe(400);
    expect(policies.error?.field).toMatch(/^policies/);
  });

  it('a version number beyond the store’s range in an offline evaluation', async () => {
    const res = await api.post('/api/v1/evaluations', {
      prompt,
      version: 1e12,
      items: [{ id: 'a', score: 1 }],
    });
    expect([res.status, res.error?.field]).toEqual([400, 'version']);
  });
});
