import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeliveries } from '../../server/webhooks/delivery-log.js';
import { insertWebhook, listWebhooks } from '../../server/webhooks/webhook-table.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { Receiver } from './receiver.js';

// Receivers: `trap` listens on 127.0.0.2 — loopback, not allow-listed — and must never be reached.
let t: TestTracelane;
let trap: Receiver;
beforeAll(async () => {
  t = await startTestTracelane({
    OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1',
    WEBHOOK_MAX_COUNT: '4',
    WEBHOOK_MAX_ATTEMPTS: '1',
  });
  trap = await Receiver.start([200], '127.0.0.2');
});
afterAll(async () => {
  await t.close();
  await trap.close();
});

const create = async (url: string) => {
  const res = await fetch(`${t.apiUrl}/api/v1/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url, events: ['*'] }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { id: string; error?: { field?: string; message: string } },
  };
};

const attempts = (webhookId: string) =>
  waitFor(`a delivery attempt of ${webhookId}`, async () => {
    const log = await listDeliveries(t.store, webhookId, 10);
    return log.length > 0 ? log : undefined;
  });

describe('webhook targets', () => {
  it.each([
    [`http://127.0.0.2:PORT/hook`, 'loopback'],
    [`http://2130706434:PORT/hook`, 'loopback'],
    [`http://[::ffff:127.0.0.2]:PORT/hook`, 'loopback'],
    [`http://[::1]:PORT/hook`, 'loopback'],
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://0xa9fea9fe/', 'metadata'],
    ['http://[fd00:ec2::254]/', 'metadata'],
    ['http://169.254.10.1/', 'link-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://10.0.0.8/', 'private'],
    ['http://192.168.0.10/', 'private'],
    ['http://[fd00::8]/', 'private'],
    ['http://0.0.0.0:PORT/', 'unspecified'],
    ['https://admin:hunter2@hooks.example.com/x', 'credentials'],
  ])('refuses %s (%s) with 400 naming url, and sends nothing', async (template, reason) => {
    const before = (await listWebhooks(t.store)).length;
    const res = await create(template.replace('PORT', String(trap.port)));
    expect([res.status, res.body.error?.field]).toEqual([400, 'url']);
    expect(res.body.error?.message).toContain(reason);
    expect((await listWebhooks(t.store)).length).toBe(before);
    expect(trap.requests).toHaveLength(0);
  });

  it('checks the address again on every delivery: a stored webhook to a forbidden address is refused, not retried', async () => {
    // As if created before the guard, or while the allow-list still held the address.
    const id = `wh_stored_${Date.now()}`;
    const stored = { id, url: trap.url, events: ['*'], description: '', secret: 's'.repeat(32) };
    await insertWebhook(t.store, { ...stored, createdAt: new Date().toISOString(), createdBy: 'test' });
    t.bus.publish('deployment.created', { test: 'refused' });
    const [attempt] = await attempts(id);
    expect(attempt).toMatchObject({ result: 'failed', attempt: 1, httpStatus: null });
    expect(attempt?.error).toBe(
      'refused: 127.0.0.2 is a loopback address; allow internal receivers with OUTBOUND_ALLOWED_NETWORKS',
    );
    expect(trap.requests).toHaveLength(0);
    await fetch(`${t.apiUrl}/api/v1/webhooks/${id}`, { method: 'DELETE' });
  });

  it('does not follow a receiver’s redirect to a forbidden address', async () => {
    const redirector = await Receiver.start([{ status: 302, headers: { location: trap.url } }]);
    try {
      const { body } = await create(redirector.url);
      t.bus.publish('deployment.created', { test: 'redirect' });
      const [attempt] = await attempts(body.id);
      expect(attempt).toMatchObject({ result: 'failed', httpStatus: 302 });
      expect(attempt?.error).toBe('receiver answered HTTP 302 (redirects are not followed)');
      expect(redirector.requests).toHaveLength(1);
      expect(trap.requests).toHaveLength(0);
      await fetch(`${t.apiUrl}/api/v1/webhooks/${body.id}`, { method: 'DELETE' });
    } finally {
      await redirector.close();
    }
  });

  it('caps the number of webhooks (WEBHOOK_MAX_COUNT): 409 saying so', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await create(`https://hooks.example.com/${i}`)).status);
    expect(statuses).toContain(409);
    expect((await listWebhooks(t.store)).length).toBe(4);
    const refused = await create('https://hooks.example.com/one-more');
    expect(refused.status).toBe(409);
    expect(refused.body.error?.message).toContain('at most 4 webhooks');
  });
});
