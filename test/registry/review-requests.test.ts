import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductEvent } from '../../server/events/event-bus.js';
import type { DeploymentEvent } from '../../server/registry/deployment-event.js';
import type { PromptOverview } from '../../server/registry/prompt-overview.js';
import type { DeploymentRequest } from '../../server/registry/request-queries.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { client, enc, promptWithVersions, type Client } from './registry-client.js';

let tl: TestTracelane;
let admin: Client;
let alice: Client;
let bob: Client;
let viewer: Client;
const published: ProductEvent[] = [];

beforeAll(async () => {
  tl = await startTestTracelane({
    API_KEYS: 'admin:admin:a-secret,alice:deployer:alice-secret,bob:deployer:bob-secret,viewer:viewer:v-secret',
  });
  admin = client(tl.apiUrl, 'a-secret');
  alice = client(tl.apiUrl, 'alice-secret');
  bob = client(tl.apiUrl, 'bob-secret');
  viewer = client(tl.apiUrl, 'v-secret');
  tl.bus.subscribe((event) => published.push(event));
  expect((await admin.patch('/api/v1/environments/production', { protected: true })).status).toBe(200);
});
afterAll(() => tl.close());

const live = async (prompt: string) =>
  (await viewer.get<PromptOverview>(`/api/v1/prompts/${enc(prompt)}`)).body.deployments.find(
    (d) => d.environment === 'production',
  )?.version;
const trail = async (prompt: string) =>
  (await viewer.get<{ deployments: DeploymentEvent[] }>(`/api/v1/deployments?prompt=${enc(prompt)}`)).body.deployments;

/** A new prompt with versions 1 and 2, version 1 deployed to (protected) production by the admin. */
const liveAtV1 = async () => {
  const prompt = await promptWithVersions(admin, 2);
  await admin.post('/api/v1/deployments', { prompt, environment: 'production', version: 1 });
  return prompt;
};

describe('review before release', () => {
  it('turns a deployer’s deploy into a pending request that another key approves, which deploys it', async () => {
    const prompt = await liveAtV1();
    const asked = await alice.post<DeploymentRequest>('/api/v1/deployments', {
      prompt,
      environment: 'production',
      version: 2,
      reason: 'new tone',
    });
    expect(asked.status).toBe(202);
    expect(asked.headers.get('location')).toBe(`/api/v1/deployments/requests/${asked.body.id}`);
    expect(asked.body).toMatchObject({ status: 'pending', requestedBy: 'alice', version: 2, deploymentId: null });
    expect(await live(prompt)).toBe(1);
    expect(published.some((e) => e.type === 'deployment_request.created' && e.data['id'] === asked.body.id)).toBe(true);

    const own = await alice.post(`/api/v1/deployments/requests/${asked.body.id}/approve`, { comment: 'lgtm' });
    expect(own.status).toBe(403);
    expect((await viewer.post(`/api/v1/deployments/requests/${asked.body.id}/approve`, {})).status).toBe(403);

    const approved = await bob.post<DeploymentRequest>(`/api/v1/deployments/requests/${asked.body.id}/approve`, {
      comment: 'reviewed the diff',
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', reviewedBy: 'bob', reviewComment: 'reviewed the diff' });
    expect(await live(prompt)).toBe(2);
    const [deployed] = await trail(prompt);
    expect(deployed).toMatchObject({
      id: approved.body.deploymentId,
      kind: 'deploy',
      version: 2,
      actor: 'bob',
      reason: 'new tone',
      requestId: asked.body.id,
      authorization: 'review',
    });
    expect(published.some((e) => e.type === 'deployment_request.approved' && e.data['id'] === asked.body.id)).toBe(
      true,
    );
    const twice = await bob.post(`/api/v1/deployments/requests/${asked.body.id}/approve`, {});
    expect(twice.status).toBe(409);
  });

  it('changes nothing on rejection, and keeps both outcomes in the request trail', async () => {
    const prompt = await liveAtV1();
    const asked = await alice.post<DeploymentRequest>('/api/v1/deployments', {
      prompt,
      environment: 'production',
      version: 2,
    });
    const rejected = await bob.post<DeploymentRequest>(`/api/v1/deployments/requests/${asked.body.id}/reject`, {
      comment: 'not before the holidays',
    });
    expect(rejected.body).toMatchObject({ status: 'rejected', reviewedBy: 'bob', deploymentId: null });
    expect(await live(prompt)).toBe(1);
    expect(await trail(prompt)).toHaveLength(1);
    const read = await viewer.get<DeploymentRequest>(`/api/v1/deployments/requests/${asked.body.id}`);
    expect(read.body).toEqual(rejected.body);
    const list = await viewer.get<{ requests: DeploymentRequest[] }>(
      `/api/v1/deployments/requests?prompt=${enc(prompt)}&status=rejected`,
    );
    expect(list.body.requests.map((r) => r.id)).toEqual([asked.body.id]);
    const long = await bob.post(`/api/v1/deployments/requests/${asked.body.id}/reject`, { comment: 'c'.repeat(2001) });
    expect([long.status, long.error?.field]).toEqual([400, 'comment']);
    expect((await bob.post('/api/v1/deployments/requests/nope/approve', {})).status).toBe(404);
  });

  it('rolls a protected environment back at once, and lets an admin deploy directly', async () => {
    const prompt = await liveAtV1();
    const direct = await admin.post<DeploymentEvent>('/api/v1/deployments', {
      prompt,
      environment: 'production',
      version: 2,
    });
    expect([direct.status, direct.body.actor]).toEqual([201, 'admin']);
    const back = await alice.post<DeploymentEvent>('/api/v1/deployments/rollback', {
      prompt,
      environment: 'production',
      reason: 'errors',
    });
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({ kind: 'rollback', version: 1, actor: 'alice', authorization: 'restore' });
    expect((await trail(prompt)).find((e) => e.id === direct.body.id)?.authorization).toBe('admin');
  });

  it('validates a request like a deploy: unknown version → 404, nothing requested', async () => {
    const prompt = await promptWithVersions(admin, 1);
    const res = await alice.post('/api/v1/deployments', { prompt, environment: 'production', version: 5 });
    expect([res.status, res.error?.field]).toEqual([404, 'version']);
    const list = await viewer.get<{ requests: DeploymentRequest[] }>(
      `/api/v1/deployments/requests?prompt=${enc(prompt)}`,
    );
    expect(list.body.requests).toEqual([]);
  });
});

describe('no way around the review', () => {
  const approve = (id: string) => bob.post<DeploymentRequest>(`/api/v1/deployments/requests/${id}/approve`, {});

  it('refuses a rollback to a version that was never live in the lane (409 saying so), in any environment', async () => {
    const prompt = await liveAtV1();
    const sneak = await alice.post('/api/v1/deployments/rollback', {
      prompt,
      environment: 'production',
      toVersion: 2,
      reason: 'not a rollback at all',
    });
    expect([sneak.status, sneak.error?.field]).toEqual([409, 'toVersion']);
    expect(sneak.error?.message).toContain('never been live');
    expect(await live(prompt)).toBe(1);
    expect(await trail(prompt)).toHaveLength(1);
    // Also where nothing is protected, and also for an admin: a rollback restores, it never deploys.
    await admin.post('/api/v1/deployments', { prompt, environment: 'staging', version: 1 });
    const staging = await admin.post('/api/v1/deployments/rollback', { prompt, environment: 'staging', toVersion: 2 });
    expect([staging.status, staging.error?.field]).toEqual([409, 'toVersion']);
  });

  it('turns a deployer’s external deployment into a review request; its approval records it, at its own time', async () => {
    const prompt = await liveAtV1();
    const at = new Date(Date.now() - 60_000).toISOString();
    const body = { prompt, environment: 'production', version: 2, timestamp: at, actor: 'ci', reason: 'CI 4.2' };
    const asked = await alice.post<DeploymentRequest>('/api/v1/deployments/external', body);
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ kind: 'external', version: 2, externalTime: at, externalActor: 'ci' });
    expect(await live(prompt)).toBe(1);
    expect(await trail(prompt)).toHaveLength(1);

    const approved = await approve(asked.body.id);
    expect(approved.body.status).toBe('approved');
    const [external] = (await trail(prompt)).filter((e) => e.kind === 'external');
    expect(external).toMatchObject({
      id: approved.body.deploymentId,
      version: 2,
      time: at,
      actor: 'bob',
      externalActor: 'ci',
      requestId: asked.body.id,
      authorization: 'review',
    });
  });

  it('lets an admin record an external deployment directly, recorded as an admin’s', async () => {
    const prompt = await liveAtV1();
    const res = await admin.post<DeploymentEvent>('/api/v1/deployments/external', {
      prompt,
      environment: 'production',
      version: 2,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'external', actor: 'admin', authorization: 'admin', requestId: null });
    expect(await live(prompt)).toBe(2);
  });

  it('lets a deployer bring back a version that served here before, without review', async () => {
    const prompt = await liveAtV1();
    await admin.post('/api/v1/deployments', { prompt, environment: 'production', version: 2 });
    const again = await alice.post<DeploymentEvent>('/api/v1/deployments', {
      prompt,
      environment: 'production',
      version: 1,
    });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ kind: 'deploy', version: 1, authorization: 'restore' });
  });

  it('reviews a canary once: its re-weights and its promotion by a deployer follow without another review', async () => {
    const prompt = await liveAtV1();
    const asked = await alice.post<DeploymentRequest>('/api/v1/deployments', {
      prompt,
      environment: 'production',
      version: 2,
      canaryPercent: 10,
    });
    expect(asked.status).toBe(202);
    const start = (await approve(asked.body.id)).body.deploymentId!;
    const wider = await alice.post<DeploymentEvent>('/api/v1/deployments', {
      prompt,
      environment: 'production',
      version: 2,
      canaryPercent: 50,
    });
    expect([wider.status, wider.body.authorization]).toEqual([201, 'reviewed_canary']);
    const promoted = await alice.post<DeploymentEvent>(`/api/v1/deployments/${start}/promote`, {});
    expect(promoted.status).toBe(201);
    expect(promoted.body).toMatchObject({ kind: 'canary_promote', version: 2, authorization: 'reviewed_canary' });
  });

  it('turns the promotion of a canary never reviewed (started before protection) into a review request', async () => {
    const environment = `lane-${Math.random().toString(36).slice(2, 8)}`;
    expect((await admin.post('/api/v1/environments', { name: environment })).status).toBe(201);
    const prompt = await promptWithVersions(admin, 2);
    await alice.post('/api/v1/deployments', { prompt, environment, version: 1 });
    const canary = await alice.post<DeploymentEvent>('/api/v1/deployments', {
      prompt,
      environment,
      version: 2,
      canaryPercent: 10,
    });
    expect([canary.status, canary.body.authorization]).toEqual([201, 'unprotected']);
    await admin.patch(`/api/v1/environments/${environment}`, { protected: true });

    const promote = await alice.post<DeploymentRequest>(`/api/v1/deployments/${canary.body.id}/promote`, {});
    expect(promote.status).toBe(202);
    expect(promote.body).toMatchObject({ kind: 'deploy', version: 2, canaryPercent: null, status: 'pending' });
    const lane = (await viewer.get<PromptOverview>(`/api/v1/prompts/${enc(prompt)}`)).body.deployments[0];
    expect(lane).toMatchObject({ version: 1, canary: { version: 2, reviewed: false } });
    const reweight = await alice.post('/api/v1/deployments', { prompt, environment, version: 2, canaryPercent: 60 });
    expect(reweight.status).toBe(202);
  });
});
