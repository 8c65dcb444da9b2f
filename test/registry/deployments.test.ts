import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductEvent } from '../../server/events/event-bus.js';
import type { DeploymentEvent } from '../../server/registry/deployment-event.js';
import type { PromptOverview } from '../../server/registry/prompt-overview.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { client, enc, promptWithVersions, type Client } from './registry-client.js';

let tl: TestTracelane;
let api: Client;
const published: ProductEvent[] = [];

beforeAll(async () => {
  tl = await startTestTracelane();
  api = client(tl.apiUrl);
  tl.bus.subscribe((event) => published.push(event));
});
afterAll(() => tl.close());

const deploy = (body: Record<string, unknown>) => api.post<DeploymentEvent>('/api/v1/deployments', body);
const rollback = (body: Record<string, unknown>) => api.post<DeploymentEvent>('/api/v1/deployments/rollback', body);
const trail = async (prompt: string, query = '') =>
  (await api.get<{ deployments: DeploymentEvent[] }>(`/api/v1/deployments?prompt=${enc(prompt)}${query}`)).body
    .deployments;
const stableOf = async (prompt: string, environment = 'production') =>
  (await api.get<PromptOverview>(`/api/v1/prompts/${enc(prompt)}`)).body.deployments.find(
    (d) => d.environment === environment,
  );

describe('deploy and rollback', () => {
  it('deploy 1, 2, 3 then rollback → 2, rollback → 1, with the replaced version on each event', async () => {
    const prompt = await promptWithVersions(api, 3);
    const env = { prompt, environment: 'production' };
    for (const version of [1, 2, 3]) {
      const res = await deploy({ ...env, version, reason: `ship ${version}` });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ kind: 'deploy', version, previousVersion: version === 1 ? null : version - 1 });
    }
    const first = await rollback({ ...env, reason: 'latency up' });
    expect(first.body).toMatchObject({ kind: 'rollback', version: 2, previousVersion: 3, reason: 'latency up' });
    const second = await rollback({ ...env, reason: 'still bad' });
    expect(second.body).toMatchObject({ kind: 'rollback', version: 1, previousVersion: 2 });
    expect((await stableOf(prompt))?.version).toBe(1);
    const third = await rollback({ ...env, reason: 'nothing left' });
    expect(third.status).toBe(409);
    expect((await trail(prompt)).map((e) => [e.kind, e.version])).toEqual([
      ['rollback', 1],
      ['rollback', 2],
      ['deploy', 3],
      ['deploy', 2],
      ['deploy', 1],
    ]);
  });

  it('rolls back to an explicit version, and answers 200 without recording when it is already live', async () => {
    const prompt = await promptWithVersions(api, 3);
    const env = { prompt, environment: 'staging' };
    for (const version of [1, 2, 3]) await deploy({ ...env, version });
    const res = await rollback({ ...env, toVersion: 1, reason: 'back to the known good one' });
    expect(res.body).toMatchObject({ kind: 'rollback', version: 1, previousVersion: 3 });
    const again = await rollback({ ...env, toVersion: 1 });
    expect([again.status, again.body.id]).toEqual([200, res.body.id]);
    const same = await deploy({ ...env, version: 1 });
    expect([same.status, same.body.id]).toEqual([200, res.body.id]);
    expect(await trail(prompt, '&environment=staging')).toHaveLength(4);
  });

  it('runs a canary: start, re-weight, promote by id; a rollback then restores the old stable version', async () => {
    const prompt = await promptWithVersions(api, 2);
    const env = { prompt, environment: 'production' };
    await deploy({ ...env, version: 1 });
    const start = await deploy({ ...env, version: 2, canaryPercent: 10, reason: 'try it' });
    expect(start.body).toMatchObject({ kind: 'canary_start', version: 2, previousVersion: 1, canaryPercent: 10 });
    expect(await stableOf(prompt)).toMatchObject({ version: 1, canary: { version: 2, percent: 10 } });
    const wider = await deploy({ ...env, version: 2, canaryPercent: 50 });
    expect(wider.body).toMatchObject({ kind: 'canary_start', canaryPercent: 50 });
    const promoted = await api.post<DeploymentEvent>(`/api/v1/deployments/${start.body.id}/promote`, { reason: 'ok' });
    expect(promoted.status).toBe(201);
    expect(promoted.body).toMatchObject({ kind: 'canary_promote', version: 2, previousVersion: 1, canaryPercent: 100 });
    expect(await stableOf(prompt)).toMatchObject({ version: 2, canary: null });
    expect((await api.post(`/api/v1/deployments/${start.body.id}/promote`)).status).toBe(409);
    expect((await rollback(env)).body).toMatchObject({ kind: 'rollback', version: 1, previousVersion: 2 });
  });

  it('aborts a canary in progress on rollback, keeping the stable version', async () => {
    const prompt = await promptWithVersions(api, 3);
    const env = { prompt, environment: 'production' };
    await deploy({ ...env, version: 1 });
    await deploy({ ...env, version: 2 });
    await deploy({ ...env, version: 3, canaryPercent: 20 });
    const abort = await rollback({ ...env, reason: 'errors on the canary' });
    expect(abort.body).toMatchObject({ kind: 'canary_abort', version: 2, previousVersion: 3 });
    expect(await stableOf(prompt)).toMatchObject({ version: 2, canary: null });
    expect((await rollback(env)).body).toMatchObject({ kind: 'rollback', version: 1 });
  });

  it('publishes deployment.created with exactly the JSON that GET /deployments/{id} returns', async () => {
    const prompt = await promptWithVersions(api, 1);
    const res = await deploy({ prompt, environment: 'qa', version: 1, reason: 'bus' });
    const event = published.find((e) => e.type === 'deployment.created' && e.data['id'] === res.body.id);
    const read = await api.get<DeploymentEvent>(`/api/v1/deployments/${res.body.id}`);
    expect(event?.data).toEqual(read.body);
    expect(read.body).toEqual(res.body);
    expect((await api.get('/api/v1/deployments/nope')).status).toBe(404);
  });
});

describe('validation', () => {
  it('answers 400/404 naming the field and records nothing', async () => {
    const prompt = await promptWithVersions(api, 1);
    const ok = { prompt, environment: 'production', version: 1 };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...ok, version: 9 }, 404, 'version'],
      [{ ...ok, environment: 'moon' }, 404, 'environment'],
      [{ ...ok, prompt: 'no/such' }, 404, 'prompt'],
      [{ ...ok, canaryPercent: 0 }, 400, 'canaryPercent'],
      [{ ...ok, canaryPercent: 100 }, 400, 'canaryPercent'],
      [{ ...ok, canaryPercent: '10' }, 400, 'canaryPercent'],
      [{ ...ok, reason: 'r'.repeat(1001) }, 400, 'reason'],
      [{ ...ok, version: 1.5 }, 400, 'version'],
      [{ ...ok, version: undefined }, 400, 'version'],
      [{ ...ok, colour: 'blue' }, 400, 'colour'],
    ];
    for (const [body, status, field] of cases) {
      const res = await deploy(body);
      expect([res.status, res.error?.field], JSON.stringify(body).slice(0, 80)).toEqual([status, field]);
      expect(res.error?.message).toContain(field);
    }
    const raw = await fetch(`${tl.apiUrl}/api/v1/deployments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"prompt": ',
    });
    expect(raw.status).toBe(400);
    const rb = await rollback({ prompt, environment: 'production', toVersion: 7 });
    expect([rb.status, rb.error?.field]).toEqual([404, 'toVersion']);
    expect(await trail(prompt)).toEqual([]);
  });

  it('filters the audit trail by environment, kind and time, newest first', async () => {
    const prompt = await promptWithVersions(api, 2);
    const before = Date.now();
    await deploy({ prompt, environment: 'staging', version: 1 });
    await deploy({ prompt, environment: 'production', version: 1 });
    await deploy({ prompt, environment: 'production', version: 2 });
    const prod = await trail(prompt, '&environment=production');
    expect(prod.map((e) => e.version)).toEqual([2, 1]);
    expect(await trail(prompt, '&kind=rollback')).toEqual([]);
    expect(await trail(prompt, `&from=${new Date(before - 60_000).toISOString()}&to=${before - 1}`)).toEqual([]);
    expect(await trail(prompt, `&from=${before - 1000}`)).toHaveLength(3);
    expect(await trail(prompt, '&limit=1')).toHaveLength(1);
    const bad = await api.get('/api/v1/deployments?from=yesterday');
    expect([bad.status, bad.error?.field]).toEqual([400, 'from']);
  });
});

describe('external deployments', () => {
  it('records a deployment made elsewhere at its own time, in its place in the timeline', async () => {
    const prompt = await promptWithVersions(api, 3);
    const env = { prompt, environment: 'production' };
    await deploy({ ...env, version: 1 });
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000).toISOString();
    const res = await api.post<DeploymentEvent>('/api/v1/deployments/external', {
      ...env,
      version: 2,
      timestamp: tenMinutesAgo,
      actor: 'github-actions',
      reason: 'CI release 4.2',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'external',
      version: 2,
      previousVersion: null,
      time: tenMinutesAgo,
      actor: 'local',
      externalActor: 'github-actions',
    });
    // It happened before version 1 was deployed here, so 1 is still live; the trail shows it at its own time.
    expect((await stableOf(prompt))?.version).toBe(1);
    expect((await trail(prompt)).map((e) => e.kind)).toEqual(['deploy', 'external']);
    const now = await api.post<DeploymentEvent>('/api/v1/deployments/external', { ...env, version: 3 });
    expect(now.body).toMatchObject({ kind: 'external', version: 3, previousVersion: 1 });
    expect((await stableOf(prompt))?.version).toBe(3);
  });

  it('refuses a timestamp in the future and an unknown version', async () => {
    const prompt = await promptWithVersions(api, 1);
    const future = await api.post('/api/v1/deployments/external', {
      prompt,
      environment: 'production',
      version: 1,
      timestamp: Date.now() + 3600_000,
    });
    expect([future.status, future.error?.field]).toEqual([400, 'timestamp']);
    const unknown = await api.post('/api/v1/deployments/external', { prompt, environment: 'production', version: 4 });
    expect([unknown.status, unknown.error?.field]).toEqual([404, 'version']);
    expect(await trail(prompt)).toEqual([]);
  });
});

describe('diff', () => {
  it('compares versions by number or by environment ("staging vs production" in one call)', async () => {
    const prompt = await promptWithVersions(api, 2);
    await deploy({ prompt, environment: 'production', version: 1 });
    await deploy({ prompt, environment: 'staging', version: 2 });
    const res = await api.get<{
      from: { version: number; environment: string | null };
      to: { version: number; environment: string | null };
      identical: boolean;
      changes: { messages: { change: string }[]; model: unknown };
    }>(`/api/v1/prompts/${enc(prompt)}/diff?from=production&to=staging`);
    expect(res.status).toBe(200);
    expect(res.body.from).toEqual({ version: 1, environment: 'production' });
    expect(res.body.to).toEqual({ version: 2, environment: 'staging' });
    expect(res.body.identical).toBe(false);
    expect(res.body.changes.messages.map((m) => m.change)).toEqual(['changed', 'unchanged']);
    expect(res.body.changes.model).toBeNull();
    const same = await api.get<{ identical: boolean }>(`/api/v1/prompts/${enc(prompt)}/diff?from=1&to=production`);
    expect(same.body.identical).toBe(true);
    const notDeployed = await api.get(`/api/v1/prompts/${enc(prompt)}/diff?from=qa&to=1`);
    expect([notDeployed.status, notDeployed.error?.field]).toEqual([404, 'from']);
    const missing = await api.get(`/api/v1/prompts/${enc(prompt)}/diff?from=1&to=7`);
    expect([missing.status, missing.error?.field]).toEqual([404, 'to']);
  });
});
