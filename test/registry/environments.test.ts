import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDefaultEnvironments } from '../../server/registry/environment-service.js';
import type { EnvironmentChange } from '../../server/registry/environment-audit.js';
import type { Environment } from '../../server/registry/environment-queries.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { client, type Client } from './registry-client.js';

let tl: TestTracelane;
let api: Client;

beforeAll(async () => {
  tl = await startTestTracelane();
  api = client(tl.apiUrl);
});
afterAll(() => tl.close());

const environments = async () =>
  (await api.get<{ environments: Environment[] }>('/api/v1/environments')).body.environments;

describe('environments', () => {
  it('start with development, qa, staging and production (primary, auto-rollback), once', async () => {
    expect(await ensureDefaultEnvironments(tl.store)).toEqual([]);
    const envs = await environments();
    expect(envs.map((e) => [e.name, e.order, e.primary])).toEqual([
      ['development', 0, false],
      ['qa', 1, false],
      ['staging', 2, false],
      ['production', 3, true],
    ]);
    expect(envs.find((e) => e.name === 'production')?.policies).toEqual({
      autoRollback: true,
      autoPromote: false,
      canary: { percent: 10, bakeMinutes: 30 },
      detector: {},
      defaultStrategy: null,
      releaseGate: null,
    });
  });

  it('creates an environment after the last one, refuses duplicates, and moves the primary flag', async () => {
    const created = await api.post<Environment>('/api/v1/environments', {
      name: 'eu-production',
      protected: true,
      policies: { autoRollback: true, detector: { bakeMinutes: 60 } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'eu-production', order: 4, primary: false, protected: true });
    expect(created.body.policies).toMatchObject({ autoRollback: true, detector: { bakeMinutes: 60 } });
    expect((await api.post('/api/v1/environments', { name: 'eu-production' })).status).toBe(409);

    const moved = await api.patch<Environment>('/api/v1/environments/eu-production', { primary: true });
    expect(moved.body.primary).toBe(true);
    expect((await environments()).filter((e) => e.primary).map((e) => e.name)).toEqual(['eu-production']);
    const unset = await api.patch('/api/v1/environments/eu-production', { primary: false });
    expect([unset.status, unset.error?.field]).toEqual([400, 'primary']);
    await api.patch('/api/v1/environments/production', { primary: true });
  });

  it('merges policy changes and validates them, naming the field', async () => {
    const patched = await api.patch<Environment>('/api/v1/environments/qa', {
      order: 7,
      policies: { canary: { percent: 5 }, autoPromote: true },
    });
    expect(patched.body).toMatchObject({
      order: 7,
      policies: { autoRollback: false, autoPromote: true, canary: { percent: 5, bakeMinutes: 30 } },
    });
    const cases: [Record<string, unknown>, string][] = [
      [{ policies: { canary: { percent: 100 } } }, 'policies.canary.percent'],
      [{ policies: { detector: 'strict' } }, 'policies.detector'],
      [{ policies: { detector: { minSamples: 500 } } }, 'policies.detector.minSamples'],
      [{ policies: { detector: { metrics: { quality: { warn: -0.1, fail: -0.05 } } } } }, 'policies.detector'],
      [
        { policies: { detector: { metrics: { latency_p95: { warn: 'high' } } } } },
        'policies.detector.metrics.latency_p95.warn',
      ],
      [{ policies: { autoRollback: 'yes' } }, 'policies.autoRollback'],
      [{ policies: { rollbackEverything: true } }, 'policies.rollbackEverything'],
      [{ order: 1.5 }, 'order'],
    ];
    for (const [body, field] of cases) {
      const res = await api.patch('/api/v1/environments/qa', body);
      expect([res.status, res.error?.field]).toEqual([400, field]);
    }
    expect((await api.patch('/api/v1/environments/moon', { order: 1 })).status).toBe(404);
    const bad = await api.post('/api/v1/environments', { name: 'no spaces' });
    expect([bad.status, bad.error?.field]).toEqual([400, 'name']);
    expect((await environments()).find((e) => e.name === 'qa')?.policies.canary.percent).toBe(5);
  });

  it('records who changed which setting of an environment, from what to what', async () => {
    await api.post('/api/v1/environments', { name: 'audited', policies: { canary: { percent: 5 } } });
    await api.patch('/api/v1/environments/audited', { protected: true, policies: { detector: { bakeMinutes: 45 } } });
    await api.patch('/api/v1/environments/audited', { protected: true }); // nothing changes: no entry
    expect((await api.patch('/api/v1/environments/audited', { order: 'last' })).status).toBe(400); // nor here
    const { body } = await api.get<{ changes: EnvironmentChange[] }>('/api/v1/environments/audited/changes');
    expect(body.changes.map((c) => [c.action, c.actor])).toEqual([
      ['update', 'local'],
      ['create', 'local'],
    ]);
    expect(body.changes[0]?.changes).toEqual([
      { field: 'protected', from: false, to: true },
      { field: 'policies.detector.bakeMinutes', from: null, to: 45 },
    ]);
    expect(body.changes[1]?.changes).toContainEqual({ field: 'policies.canary.percent', from: null, to: 5 });
    const defaults = await api.get<{ changes: EnvironmentChange[] }>('/api/v1/environments/production/changes');
    expect(defaults.body.changes.at(-1)).toMatchObject({ action: 'create', actor: 'tracelane' });
    expect((await api.get('/api/v1/environments/moon/changes')).status).toBe(404);
  });

  it('serves the policy and detector defaults the settings page shows', async () => {
    const { body } = await api.get<{ policies: Environment['policies']; detector: Record<string, unknown> }>(
      '/api/v1/policy-defaults',
    );
    expect(body.policies).toEqual({
      autoRollback: false,
      autoPromote: false,
      canary: { percent: 10, bakeMinutes: 30 },
      detector: {},
      defaultStrategy: null,
      releaseGate: null,
    });
    expect(body.detector).toMatchObject({ bakeMinutes: 30, metrics: { quality: { warn: -0.03, fail: -0.08 } } });
  });

  it('refuses to store API keys while no API_KEYS are configured (loopback mode)', async () => {
    const res = await api.post('/api/v1/keys', { name: 'ci', role: 'deployer' });
    expect(res.status).toBe(409);
    expect(res.error?.message).toContain('API_KEYS');
  });
});
