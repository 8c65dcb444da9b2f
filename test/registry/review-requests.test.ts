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
    expect(back.body).toMatchObject({ kind: 'rollback', version: 1, actor: 'alice' });
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
