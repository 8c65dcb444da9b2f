import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseArm } from '../../server/registry/canary-assignment.js';
import type { Resolution } from '../../server/registry/resolve.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { client, enc, promptWithVersions, type Client } from './registry-client.js';

let tl: TestTracelane;
let api: Client;

beforeAll(async () => {
  tl = await startTestTracelane();
  api = client(tl.apiUrl);
});
afterAll(() => tl.close());

const resolve = (prompt: string, query: string, headers: Record<string, string> = {}) =>
  api.get<Resolution>(`/api/v1/prompts/${enc(prompt)}/resolve?${query}`, headers);

describe('resolve', () => {
  it('returns the deployed version with its full snapshot, and follows a new deployment', async () => {
    const prompt = await promptWithVersions(api, 2);
    await api.post('/api/v1/deployments', { prompt, environment: 'production', version: 1 });
    const res = await resolve(prompt, 'environment=production');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ prompt, environment: 'production', arm: 'stable', version: 1, canary: null });
    expect(res.body.snapshot).toMatchObject({ version: 1, model: 'gpt-4o-mini', commitMessage: 'revision 1' });
    expect(res.body.snapshot.messages[0]?.content).toContain('revision 1');
    await api.post('/api/v1/deployments', { prompt, environment: 'production', version: 2 });
    expect((await resolve(prompt, 'environment=production')).body.version).toBe(2);
  });

  it('answers 304 to a matching If-None-Match and a new ETag after a deployment', async () => {
    const prompt = await promptWithVersions(api, 2);
    await api.post('/api/v1/deployments', { prompt, environment: 'production', version: 1 });
    const first = await resolve(prompt, 'environment=production');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const cached = await resolve(prompt, 'environment=production', { 'if-none-match': etag ?? '' });
    expect([cached.status, cached.body]).toEqual([304, null]);
    const weakList = await resolve(prompt, 'environment=production', { 'if-none-match': `"other", W/${etag}` });
    expect(weakList.status).toBe(304);
    await api.post('/api/v1/deployments', { prompt, environment: 'production', version: 2 });
    const changed = await resolve(prompt, 'environment=production', { 'if-none-match': etag ?? '' });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('assigns keys to canary arms stickily, with the configured share, as the assignment function does', async () => {
    const prompt = await promptWithVersions(api, 2);
    await api.post('/api/v1/deployments', { prompt, environment: 'production', version: 1 });
    await api.post('/api/v1/deployments', { prompt, environment: 'production', version: 2, canaryPercent: 30 });
    const keys = Array.from({ length: 400 }, (_, i) => `session-${i}`);
    const arms: string[] = [];
    for (const key of keys) {
      const res = await resolve(prompt, `environment=production&key=${key}`);
      expect(res.body.version).toBe(res.body.arm === 'canary' ? 2 : 1);
      expect(res.body.canary).toMatchObject({ version: 2, percent: 30 });
      arms.push(res.body.arm);
    }
    const expected = keys.map((key) =>
      chooseArm({ version: 2, percent: 30 }, { prompt, environment: 'production' }, key),
    );
    expect(arms).toEqual(expected);
    const share = arms.filter((a) => a === 'canary').length / keys.length;
    expect(Math.abs(share - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / keys.length));
    for (const key of keys.slice(0, 20)) {
      expect((await resolve(prompt, `environment=production&key=${key}`)).body.arm).toBe(arms[keys.indexOf(key)]);
    }
  });

  it('answers 404 naming what is missing and 400 for a missing environment', async () => {
    const prompt = await promptWithVersions(api, 1);
    const nothing = await resolve(prompt, 'environment=production');
    expect([nothing.status, nothing.error?.field]).toEqual([404, 'environment']);
    const noEnv = await resolve(prompt, 'environment=moon');
    expect([noEnv.status, noEnv.error?.field]).toEqual([404, 'environment']);
    const noPrompt = await resolve('no/such', 'environment=production');
    expect([noPrompt.status, noPrompt.error?.field]).toEqual([404, 'name']);
    const missing = await resolve(prompt, '');
    expect([missing.status, missing.error?.field]).toEqual([400, 'environment']);
    const longKey = await resolve(prompt, `environment=production&key=${'k'.repeat(300)}`);
    expect([longKey.status, longKey.error?.field]).toEqual([400, 'key']);
  });
});
