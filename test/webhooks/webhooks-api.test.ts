import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { Receiver } from './receiver.js';

let t: TestTracelane;
beforeAll(async () => {
  t = await startTestTracelane({
    API_KEYS: 'ops:admin:admin-secret-123,ci:deployer:deployer-secret-123,dash:viewer:viewer-secret-123',
    OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1', // the test receivers listen on loopback
  });
});
afterAll(() => t.close());

const call = async (method: string, path: string, body?: unknown, key = 'admin-secret-123') => {
  const res = await fetch(`${t.apiUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> & {
      error?: { field?: string; message: string };
    },
  };
};

describe('webhook subscriptions API', () => {
  it('creates a subscription, returns its id and generated secret once, and lists it without the secret', async () => {
    const created = await call('POST', '/webhooks', {
      url: 'https://hooks.example.com/tracelane',
      events: ['deployment.created', 'regression.detected', 'analysis.updated', 'deployment.created'],
      description: 'release channel',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^wh_/) as unknown,
      url: 'https://hooks.example.com/tracelane',
      events: ['deployment.created', 'regression.detected', 'analysis.updated'],
      description: 'release channel',
      createdBy: 'ops',
      secret: expect.stringMatching(/^whsec_[0-9a-f]{64}$/) as unknown,
    });
    const listed = await call('GET', '/webhooks');
    const mine = (listed.body.webhooks as Record<string, unknown>[]).find((w) => w.id === created.body.id);
    expect(mine).toMatchObject({ url: 'https://hooks.example.com/tracelane', createdBy: 'ops' });
    expect(mine).not.toHaveProperty('secret');
  });

  it('keeps a secret given by the caller', async () => {
    const created = await call('POST', '/webhooks', {
      url: 'https://hooks.example.com/x',
      events: ['*'],
      secret: 's'.repeat(32),
    });
    expect(created.body.secret).toBe('s'.repeat(32));
  });

  it.each([
    [{ events: ['deployment.created'] }, 'url'],
    [{ url: 'ftp://example.com/x', events: ['deployment.created'] }, 'url'],
    [{ url: 'not a url', events: ['deployment.created'] }, 'url'],
    [{ url: 'https://example.com', events: [] }, 'events'],
    [{ url: 'https://example.com', events: ['deployment.creatd'] }, 'events'],
    [{ url: 'https://example.com', events: 'deployment.created' }, 'events'],
    [{ url: 'https://example.com', events: ['*'], secret: 'short' }, 'secret'],
    [{ url: 'https://example.com', events: ['*'], description: 'x'.repeat(501) }, 'description'],
    [{ url: 'https://example.com', events: ['*'], secrets: 's'.repeat(32) }, 'secrets'],
  ])('rejects %j with 400 naming %s, and records nothing', async (body, field) => {
    const before = ((await call('GET', '/webhooks')).body.webhooks as unknown[]).length;
    const res = await call('POST', '/webhooks', body);
    expect(res.status).toBe(400);
    expect(res.body.error?.field).toBe(field);
    expect(((await call('GET', '/webhooks')).body.webhooks as unknown[]).length).toBe(before);
  });

  it('deletes a subscription: gone from the list, then 404', async () => {
    const created = await call('POST', '/webhooks', { url: 'https://example.com/gone', events: ['*'] });
    const id = created.body.id as string;
    expect((await call('DELETE', `/webhooks/${id}`)).status).toBe(204);
    const ids = ((await call('GET', '/webhooks')).body.webhooks as { id: string }[]).map((w) => w.id);
    expect(ids).not.toContain(id);
    expect((await call('DELETE', `/webhooks/${id}`)).status).toBe(404);
    expect((await call('GET', `/webhooks/${id}/deliveries`)).status).toBe(404);
  });

  it('returns an empty delivery log for a new subscription and validates limit', async () => {
    const created = await call('POST', '/webhooks', { url: 'https://example.com/log', events: ['*'] });
    const log = await call('GET', `/webhooks/${created.body.id as string}/deliveries`);
    expect(log).toEqual({ status: 200, body: { deliveries: [] } });
    const bad = await call('GET', `/webhooks/${created.body.id as string}/deliveries?limit=0`);
    expect(bad.status).toBe(400);
    expect(bad.body.error?.field).toBe('limit');
  });

  it('sends a signed test event to one webhook only, and logs its delivery with status, latency and response', async () => {
    const receiver = await Receiver.start([200]);
    const other = await Receiver.start([200]);
    try {
      const created = await call('POST', '/webhooks', { url: receiver.url, events: ['deployment.created'] });
      await call('POST', '/webhooks', { url: other.url, events: ['*'] });
      const id = created.body.id as string;
      const sent = await call('POST', `/webhooks/${id}/test`);
      expect(sent.status).toBe(202);
      expect(sent.body).toMatchObject({ type: 'webhook.test', eventId: expect.stringMatching(/^evt_/) as unknown });
      const logged = await waitFor('the test delivery in the log', async () => {
        const log = (await call('GET', `/webhooks/${id}/deliveries`)).body.deliveries as Record<string, unknown>[];
        return log.find((d) => d.deliveryId === sent.body.deliveryId && d.result === 'delivered');
      });
      expect(logged).toMatchObject({ eventType: 'webhook.test', httpStatus: 200, responseExcerpt: 'reply 200' });
      expect(receiver.requests).toHaveLength(1);
      expect(receiver.requests[0]?.headers['x-tracelane-event']).toBe('webhook.test');
      expect(JSON.parse(receiver.requests[0]?.body ?? '{}')).toMatchObject({
        type: 'webhook.test',
        data: { requestedBy: 'ops' },
      });
      expect(other.requests).toHaveLength(0);
      expect((await call('POST', '/webhooks/wh_nope/test')).status).toBe(404);
      expect((await call('POST', `/webhooks/${id}/test`, undefined, 'deployer-secret-123')).status).toBe(403);
    } finally {
      await Promise.all([receiver.close(), other.close()]);
    }
  });

  it.each([
    ['deployer-secret-123', 403],
    ['viewer-secret-123', 403],
    ['no-such-key', 401],
  ])('refuses every webhook route to key %s with %i', async (key, status) => {
    const created = await call('POST', '/webhooks', { url: 'https://example.com/roles', events: ['*'] });
    const id = created.body.id as string;
    expect((await call('POST', '/webhooks', { url: 'https://example.com/x', events: ['*'] }, key)).status).toBe(status);
    expect((await call('GET', '/webhooks', undefined, key)).status).toBe(status);
    expect((await call('DELETE', `/webhooks/${id}`, undefined, key)).status).toBe(status);
    expect((await call('GET', `/webhooks/${id}/deliveries`, undefined, key)).status).toBe(status);
    expect((await call('GET', `/webhooks/${id}/deliveries`)).status).toBe(200); // still there
  });
});
