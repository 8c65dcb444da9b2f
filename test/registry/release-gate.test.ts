import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestOfflineRuns } from '../../server/analysis/offline-evaluations-query.js';
import type { DeploymentEvent } from '../../server/registry/deployment-event.js';
import { startFakeOpenAI, type FakeProvider } from '../fixtures/fake-model-servers.js';
import { setUpScenario, triageModel, type Scenario } from '../experiments/triage-scenario.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { client, type Client } from './registry-client.js';

/**
 * Release gates end to end: the real server and chDB, experiments run through a fake OpenAI-compatible provider
 * (v1 scores billing 4/5, v2 — the "API usage goes to api-platform" rule — 2/5, v3 answers like v1), and an
 * environment whose policy requires a passing experiment on the dataset.
 */
const KEYS = { admin: 'gate-admin-key', alice: 'gate-alice-key', bob: 'gate-bob-key' };

let t: TestTracelane;
let fake: FakeProvider;
let s: Scenario & { connection: string };
let admin: Client;
let alice: Client;
let bob: Client;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  fake.answer = triageModel;
  t = await startTestTracelane({
    API_KEYS: `root:admin:${KEYS.admin},alice:deployer:${KEYS.alice},bob:deployer:${KEYS.bob}`,
    OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1', // the fake provider listens on loopback
  });
  s = await setUpScenario(t.apiUrl, fake, undefined, KEYS.admin);
  admin = s.api;
  alice = client(t.apiUrl, KEYS.alice);
  bob = client(t.apiUrl, KEYS.bob);
  // v1 has a finished run (no baseline), v2 and v3 each one against v1
  await runToEnd({ version: 1 });
  await runToEnd({ version: 2, baselineVersion: 1 });
  await runToEnd({ version: 3, baselineVersion: 1 });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

async function runToEnd(body: Record<string, unknown>): Promise<void> {
  const started = await admin.post<{ id: string; baseline: { id: string } | null }>('/api/v1/experiments', {
    prompt: s.prompt,
    dataset: s.dataset,
    evaluators: [s.evaluator],
    connection: s.connection,
    ...body,
  });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  for (const id of [started.body.id, started.body.baseline?.id].filter((x): x is string => !!x)) {
    const state = await waitFor(`run ${id} to finish`, async () => {
      const run = (await admin.get<{ state: string }>(`/api/v1/experiments/${id}`)).body;
      return ['completed', 'failed', 'cancelled', 'interrupted'].includes(run.state) ? run.state : undefined;
    });
    expect(state).toBe('completed');
  }
}

/** A fresh environment with the gate (tolerance 0.1), optionally protected. */
async function gatedEnvironment(protectedLane = false): Promise<string> {
  const name = `gated-${randomUUID().slice(0, 8)}`;
  const res = await admin.post('/api/v1/environments', {
    name,
    protected: protectedLane,
    policies: { releaseGate: { dataset: s.dataset } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return name;
}

const deploy = (api: Client, environment: string, version: number, extra: Record<string, unknown> = {}) =>
  api.post<DeploymentEvent & { gate?: { dataset: string; runId: string | null } }>('/api/v1/deployments', {
    prompt: s.prompt,
    environment,
    version,
    ...extra,
  });

describe('the release-gate policy', () => {
  it('defaults the tolerance, names an unknown dataset with 400, and is audited like other policies', async () => {
    const name = await gatedEnvironment();
    const env = await admin.get<{ policies: { releaseGate: unknown } }>(`/api/v1/environments/${name}`);
    expect(env.body.policies.releaseGate).toEqual({ dataset: s.dataset, maxDrop: 0.1 });
    const bad = await admin.patch(`/api/v1/environments/${name}`, { policies: { releaseGate: { dataset: 'nope' } } });
    expect(bad.status).toBe(400);
    expect(bad.error?.field).toBe('policies.releaseGate.dataset');
    expect((await admin.patch(`/api/v1/environments/${name}`, { policies: { releaseGate: null } })).status).toBe(200);
    const changes = await admin.get<{ changes: { actor: string; changes: { field: string; to: unknown }[] }[] }>(
      `/api/v1/environments/${name}/changes`,
    );
    const fields = changes.body.changes.flatMap((c) => c.changes.map((f) => `${c.actor} ${f.field}=${String(f.to)}`));
    expect(fields).toContain('root policies.releaseGate.dataset=null');
    expect(fields).toContain(`root policies.releaseGate.dataset=${s.dataset}`);
  });
});

describe('deploying into a gated environment', () => {
  let env = '';
  beforeAll(async () => {
    env = await gatedEnvironment();
  });

  it('first deployment: passes with a finished run of the version, recorded on the event', async () => {
    const res = await deploy(admin, env, 1);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.gateRunId).toMatch(/./);
    expect(res.body.gateOverride).toBeNull();
  });

  it('refuses a version whose run regressed with 409 naming the dataset and the category, even for an admin', async () => {
    const res = await deploy(admin, env, 2);
    expect(res.status).toBe(409);
    expect(res.error?.code).toBe('gate_refused');
    expect(res.error?.message).toContain(`dataset "${s.dataset}"`);
    expect(res.error?.message).toContain('regressed against version 1 (live here) in billing');
    expect(res.error?.message).toContain('4/5 → 2/5');
    expect(res.error?.message).not.toMatch(/\bauth\b|dashboard|api-platform:/);
    expect(res.body.gate).toMatchObject({ dataset: s.dataset, runId: expect.any(String) as string });
    const lane = await admin.get<{ deployments: DeploymentEvent[] }>(
      `/api/v1/deployments?prompt=${encodeURIComponent(s.prompt)}&environment=${env}`,
    );
    expect(lane.body.deployments.map((d) => d.version)).toEqual([1]);
  });

  it('refuses external deployments and canaries of it the same way', async () => {
    const external = await admin.post('/api/v1/deployments/external', {
      prompt: s.prompt,
      environment: env,
      version: 2,
    });
    expect(external.status).toBe(409);
    expect(external.error?.message).toContain('billing');
    expect((await deploy(admin, env, 2, { canaryPercent: 10 })).status).toBe(409);
  });

  it('an override is admin-only and recorded on the event; rollback is never gated', async () => {
    const notAdmin = await deploy(alice, env, 2, { gateOverride: 'ship it' });
    expect(notAdmin.status).toBe(403);
    expect(notAdmin.error?.message).toContain('gateOverride');
    const forced = await deploy(admin, env, 2, { gateOverride: 'hotfix agreed with billing' });
    expect(forced.status, JSON.stringify(forced.body)).toBe(201);
    expect(forced.body).toMatchObject({ version: 2, gateOverride: 'hotfix agreed with billing', actor: 'root' });
    expect(forced.body.gateRunId).toMatch(/./);
    const back = await alice.post<DeploymentEvent>('/api/v1/deployments/rollback', {
      prompt: s.prompt,
      environment: env,
    });
    expect(back.status, JSON.stringify(back.body)).toBe(201);
    expect(back.body).toMatchObject({ kind: 'rollback', version: 1, gateRunId: null, gateOverride: null });
  });

  it('allows a version whose run has no regressed category', async () => {
    const res = await deploy(alice, env, 3);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.gateRunId).toMatch(/./);
    // redeploying what is live is not gated either
    expect((await deploy(alice, env, 3)).status).toBe(200);
  });

  it('says so when no finished run of the version against the live version exists', async () => {
    const other = await gatedEnvironment();
    expect((await deploy(admin, other, 3)).status).toBe(201); // v3 has a run: first deployment passes
    const res = await deploy(admin, other, 2);
    expect(res.status).toBe(409);
    expect(res.error?.message).toContain(
      `no finished run of version 2 on it against version 3 (live here) exists; run one with baselineVersion 3`,
    );
    expect(res.error?.message).toContain(`dataset "${s.dataset}"`);
  });
});

describe('reviews in a protected, gated environment', () => {
  it('refuses the approval (the request stays pending) until an admin approves with a recorded override', async () => {
    const env = await gatedEnvironment(true);
    expect((await deploy(admin, env, 1)).status).toBe(201);
    const asked = await deploy(alice, env, 2, { reason: 'new routing rule' });
    expect(asked.status).toBe(202); // the request is created: the reviewer sees the run there
    const requestId = asked.body.id;
    const approved = await bob.post(`/api/v1/deployments/requests/${requestId}/approve`, { comment: 'lgtm' });
    expect(approved.status).toBe(409);
    expect(approved.error?.message).toContain(`dataset "${s.dataset}"`);
    expect(approved.error?.message).toContain('billing');
    const request = await bob.get<{ status: string }>(`/api/v1/deployments/requests/${requestId}`);
    expect(request.body.status).toBe('pending');
    const overridden = await admin.post<{ status: string; deploymentId: string }>(
      `/api/v1/deployments/requests/${requestId}/approve`,
      { comment: 'accepted risk', gateOverride: 'billing team signed off' },
    );
    expect(overridden.status, JSON.stringify(overridden.body)).toBe(200);
    const event = await admin.get<DeploymentEvent>(`/api/v1/deployments/${overridden.body.deploymentId}`);
    expect(event.body).toMatchObject({ version: 2, requestId, gateOverride: 'billing team signed off' });
  });
});

describe('Compare', () => {
  it('shows the latest experiment run of each version as its offline result per category', async () => {
    const runs = await latestOfflineRuns(t.store, s.prompt, [1, 2]);
    const billing = runs.map((r) => [r.version, r.categories.find((c) => c.category === 'billing')]);
    expect(billing).toEqual([
      [1, expect.objectContaining({ items: 5, passed: 4 })],
      [2, expect.objectContaining({ items: 5, passed: 2 })],
    ]);
    expect(runs.map((r) => [r.items, r.dataset])).toEqual([
      [20, s.dataset],
      [20, s.dataset],
    ]);
  });
});
