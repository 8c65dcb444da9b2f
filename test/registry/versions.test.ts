import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromptOverview } from '../../server/registry/prompt-overview.js';
import type { PromptVersion } from '../../server/registry/version-queries.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { client, enc, uniqueName, versionBody, type Client } from './registry-client.js';

let tl: TestTracelane;
let api: Client;

beforeAll(async () => {
  tl = await startTestTracelane();
  api = client(tl.apiUrl);
});
afterAll(() => tl.close());

const newPrompt = async () => {
  const name = uniqueName('support');
  expect((await api.post('/api/v1/prompts', { name, description: 'triage' })).status).toBe(201);
  return name;
};

describe('prompts', () => {
  it('creates a prompt whose name contains "/" and reads it back with %2F in the path', async () => {
    const name = uniqueName('team/support');
    const created = await api.post<PromptOverview>('/api/v1/prompts', { name, description: 'Routes tickets' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: name, name, description: 'Routes tickets', createdBy: 'local' });
    const read = await api.get<PromptOverview>(`/api/v1/prompts/${enc(name)}`);
    expect(read.body).toMatchObject({ name, latestVersion: null, deployments: [] });
    const listed = await api.get<{ prompts: PromptOverview[] }>(`/api/v1/prompts?search=${enc(name)}`);
    expect(listed.body.prompts.map((p) => p.name)).toEqual([name]);
  });

  it('pages through prompts by name with the total, filtered by name and by an environment deployed to', async () => {
    const prefix = uniqueName('paging');
    const names = [0, 1, 2, 3, 4].map((i) => `${prefix}-${i}`);
    for (const name of names) await api.post('/api/v1/prompts', { name });
    await api.post(`/api/v1/prompts/${enc(names[2]!)}/versions`, versionBody(1));
    await api.post('/api/v1/deployments', { prompt: names[2], environment: 'qa', version: 1 });
    type Page = { prompts: PromptOverview[]; total: number };
    const page = await api.get<Page>(`/api/v1/prompts?search=${enc(prefix)}&limit=2&offset=2`);
    expect([page.body.prompts.map((p) => p.name), page.body.total]).toEqual([names.slice(2, 4), 5]);
    const inQa = await api.get<Page>(`/api/v1/prompts?search=${enc(prefix)}&environment=qa`);
    expect([inQa.body.prompts.map((p) => p.name), inQa.body.total]).toEqual([[names[2]], 1]);
    expect((await api.get('/api/v1/prompts?environment=no%20such')).status).toBe(400);
  });

  it('refuses a duplicate name (409) and invalid names (400 naming the field)', async () => {
    const name = await newPrompt();
    expect((await api.post('/api/v1/prompts', { name })).status).toBe(409);
    for (const bad of ['', '/leading', 'trailing/', 'double//slash', 'space here', 'x'.repeat(201)]) {
      const res = await api.post('/api/v1/prompts', { name: bad });
      expect(res.status, bad).toBe(400);
      expect(res.error?.field).toBe('name');
    }
    expect((await api.get(`/api/v1/prompts/${enc('no/such')}`)).status).toBe(404);
  });
});

describe('versions', () => {
  it('numbers versions per prompt and returns each with id, version and a content hash', async () => {
    const name = await newPrompt();
    const v1 = await api.post<PromptVersion>(`/api/v1/prompts/${enc(name)}/versions`, versionBody(1));
    const v2 = await api.post<PromptVersion>(`/api/v1/prompts/${enc(name)}/versions`, versionBody(2));
    expect([v1.status, v2.status]).toEqual([201, 201]);
    expect([v1.body.version, v2.body.version]).toEqual([1, 2]);
    expect(v1.body.id).not.toBe(v2.body.id);
    expect(v1.body.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(v1.body).toMatchObject({ author: 'local', commitMessage: 'revision 1', model: 'gpt-4o-mini' });
    expect(v1.body.variables).toEqual([{ name: 'question' }]);
    const other = await newPrompt();
    const first = await api.post<PromptVersion>(`/api/v1/prompts/${enc(other)}/versions`, versionBody(9));
    expect(first.body.version).toBe(1);
  });

  it('returns the latest version instead of a duplicate when the content is unchanged', async () => {
    const name = await newPrompt();
    const v1 = await api.post<PromptVersion>(`/api/v1/prompts/${enc(name)}/versions`, versionBody(1));
    const again = await api.post<PromptVersion>(`/api/v1/prompts/${enc(name)}/versions`, {
      ...versionBody(1),
      commitMessage: 'same content, other message',
      variables: [{ name: 'question' }],
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual((await api.get(`/api/v1/prompts/${enc(name)}/versions/1`)).body);
    expect(again.body.id).toBe(v1.body.id);
    // Equal to an older (not the latest) version: a new version, as content moved on in between.
    await api.post(`/api/v1/prompts/${enc(name)}/versions`, versionBody(2));
    const back = await api.post<PromptVersion>(`/api/v1/prompts/${enc(name)}/versions`, versionBody(1));
    expect([back.status, back.body.version]).toEqual([201, 3]);
  });

  it('never changes a version: it reads back identically after later versions, and no route modifies it', async () => {
    const name = await newPrompt();
    const created = await api.post<PromptVersion>(`/api/v1/prompts/${enc(name)}/versions`, versionBody(1));
    await api.post(`/api/v1/prompts/${enc(name)}/versions`, versionBody(2));
    const read = await api.get<PromptVersion>(`/api/v1/prompts/${enc(name)}/versions/1`);
    expect(read.body).toEqual(created.body);
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const res = await fetch(`${tl.apiUrl}/api/v1/prompts/${enc(name)}/versions/1`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'DELETE' ? undefined : JSON.stringify(versionBody(5)),
      });
      expect(res.status, method).toBe(404);
    }
    expect((await api.get(`/api/v1/prompts/${enc(name)}/versions/1`)).body).toEqual(created.body);
    const list = await api.get<{ versions: PromptVersion[] }>(`/api/v1/prompts/${enc(name)}/versions`);
    expect(list.body.versions.map((v) => v.version)).toEqual([2, 1]);
  });

  it('gives concurrent creates distinct, consecutive numbers', async () => {
    const name = await newPrompt();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api.post<PromptVersion>(`/api/v1/prompts/${enc(name)}/versions`, versionBody(i)),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(results.map((r) => r.body.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('rejects invalid snapshots with 400 naming the field, and records nothing', async () => {
    const name = await newPrompt();
    const cases: [Record<string, unknown>, string][] = [
      [{ ...versionBody(1), model: undefined }, 'model'],
      [{ ...versionBody(1), messages: [] }, 'messages'],
      [{ ...versionBody(1), messages: [{ role: 'wizard', content: 'x' }] }, 'messages.0.role'],
      [{ ...versionBody(1), settings: { temperature: 7 } }, 'settings.temperature'],
      [{ ...versionBody(1), variables: ['a', 'a'] }, 'variables.1.name'],
      [{ ...versionBody(1), tempreature: 0.1 }, 'tempreature'],
      [{ ...versionBody(1), commitMessage: 'x'.repeat(2001) }, 'commitMessage'],
    ];
    for (const [body, field] of cases) {
      const res = await api.post(`/api/v1/prompts/${enc(name)}/versions`, body);
      expect(res.status, field).toBe(400);
      expect(res.error?.field).toBe(field);
      expect(res.error?.message).toContain(field);
    }
    const missing = await api.post(`/api/v1/prompts/${enc('no/such')}/versions`, versionBody(1));
    expect([missing.status, missing.error?.field]).toEqual([404, 'name']);
    const list = await api.get<{ versions: PromptVersion[] }>(`/api/v1/prompts/${enc(name)}/versions`);
    expect(list.body.versions).toEqual([]);
    const badNumber = await api.get(`/api/v1/prompts/${enc(name)}/versions/abc`);
    expect([badNumber.status, badNumber.error?.field]).toEqual([400, 'version']);
  });
});
