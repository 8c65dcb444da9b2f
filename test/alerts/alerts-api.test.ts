import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../server/alerts/channels/channel-table.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { apiClient, type ApiCall } from './api-client.js';

/** The alerting API's guard rails: roles, bad input named by field, unknown ids, write-only secrets. */
let t: TestTracelane;
let viewer: ApiCall;
let deployer: ApiCall;
let admin: ApiCall;
let channel: Channel;

const monitor = (extra: Record<string, unknown> = {}) => ({
  name: 'p95',
  metric: 'latency_p95',
  condition: { type: 'threshold', op: 'above', critical: 2000, windowMinutes: 10 },
  ...extra,
});

beforeAll(async () => {
  t = await startTestTracelane({ API_KEYS: 'v:viewer:view-key-1,d:deployer:deploy-key-1,a:admin:admin-key-1' });
  [viewer, deployer, admin] = ['view-key-1', 'deploy-key-1', 'admin-key-1'].map((k) => apiClient(t.apiUrl, k)) as [
    ApiCall,
    ApiCall,
    ApiCall,
  ];
  channel = (
    await admin<Channel>('POST', '/api/v1/alert-channels', {
      name: 'hook',
      type: 'webhook',
      settings: { url: 'https://example.com/hook' },
    })
  ).body;
});
afterAll(() => t.close());

describe('channels', () => {
  it('are created by admins only; a generated webhook secret is shown once', async () => {
    expect(
      (await deployer('POST', '/api/v1/alert-channels', { name: 'x', type: 'slack', settings: { url: 'https://h' } }))
        .status,
    ).toBe(403);
    const created = await admin<{ secret?: string }>('POST', '/api/v1/alert-channels', {
      name: 'signed',
      type: 'webhook',
      settings: { url: 'https://example.com/h' },
    });
    expect(created.body.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const listed = await viewer('GET', '/api/v1/alert-channels');
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(created.body.secret!);
  });

  it('refuse receivers the outbound guard forbids: metadata, loopback, private addresses, credentials', async () => {
    const refused: [Record<string, unknown>, string, RegExp][] = [
      [{ url: 'http://169.254.169.254/latest/meta-data' }, 'settings.url', /metadata address/],
      [{ url: 'http://localhost:9/hook' }, 'settings.url', /localhost resolves to .* loopback address/],
      [{ url: 'https://user:pass@hooks.example.com/x' }, 'settings.url', /credentials/],
    ];
    for (const [settings, field, message] of refused) {
      const res = await admin('POST', '/api/v1/alert-channels', { name: 'x', type: 'slack', settings });
      expect([res.status, res.body.error?.field], JSON.stringify(settings)).toEqual([400, field]);
      expect(res.body.error?.message).toMatch(message);
    }
    const pd = await admin('POST', '/api/v1/alert-channels', {
      name: 'x',
      type: 'pagerduty',
      settings: { routingKey: 'R0UT1NGKEYabcdef0123456789ABCDEF', eventsUrl: 'http://10.0.0.5/v2/enqueue' },
    });
    expect([pd.status, pd.body.error?.field]).toEqual([400, 'settings.eventsUrl']);
    const moved = await admin('PATCH', `/api/v1/alert-channels/${channel.id}`, { settings: { url: 'http://[::1]/x' } });
    expect([moved.status, moved.body.error?.field]).toEqual([400, 'settings.url']);
  });

  it('name the bad field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'x', type: 'slack', settings: { url: 'ftp://nope' } }, 'settings.url'],
      [{ name: 'x', type: 'pagerduty', settings: { routingKey: 'short' } }, 'settings.routingKey'],
      [{ name: 'x', type: 'email', settings: { to: ['not-an-address'] } }, 'settings.to.0'],
      [{ name: 'x', type: 'email', settings: { to: [] } }, 'settings.to'],
      [{ name: 'x', type: 'sms', settings: {} }, 'type'],
      [{ name: '', type: 'slack', settings: { url: 'https://h' } }, 'name'],
      [{ name: 'x', type: 'slack', settings: { url: 'https://h', extra: 1 } }, 'settings.extra'],
    ];
    for (const [body, field] of cases) {
      const res = await admin('POST', '/api/v1/alert-channels', body);
      expect([res.status, res.body.error?.field], JSON.stringify(body)).toEqual([400, field]);
    }
    const patch = await admin('PATCH', `/api/v1/alert-channels/${channel.id}`, { settings: { url: 'nope' } });
    expect([patch.status, patch.body.error?.field]).toEqual([400, 'settings.url']);
    expect((await admin('DELETE', '/api/v1/alert-channels/ch_missing')).status).toBe(404);
  });
});

describe('monitors', () => {
  it('are changed by deployers, read by anyone', async () => {
    expect((await viewer('POST', '/api/v1/monitors', monitor())).status).toBe(403);
    const created = await deployer<{ id: string; minSamples: number; noData: string }>(
      'POST',
      '/api/v1/monitors',
      monitor(),
    );
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      minSamples: 100,
      noData: 'keep',
      enabled: true,
      scope: { environment: '', prompt: '', model: '' },
    });
    const muted = await deployer('PATCH', `/api/v1/monitors/${created.body.id}`, {
      mutedUntil: '2030-01-01T00:00:00Z',
    });
    expect(muted.body).toMatchObject({ mutedUntil: '2030-01-01T00:00:00Z', name: 'p95' });
    expect((await viewer('GET', `/api/v1/monitors/${created.body.id}`)).status).toBe(200);
    expect((await deployer('DELETE', `/api/v1/monitors/${created.body.id}`)).status).toBe(204);
    expect((await viewer('GET', `/api/v1/monitors/${created.body.id}`)).status).toBe(404);
  });

  it('name the bad field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [monitor({ metric: 'vibes' }), 'metric'],
      [monitor({ condition: { type: 'threshold', op: 'above', windowMinutes: 10 } }), 'condition.critical'],
      [
        monitor({ condition: { type: 'threshold', op: 'above', warning: 3000, critical: 2000, windowMinutes: 10 } }),
        'condition.critical',
      ],
      [monitor({ condition: { type: 'change', windowMinutes: 10, warning: 0.8 } }), 'condition.warning'],
      [monitor({ metric: 'requests', condition: { type: 'change', windowMinutes: 10 } }), 'condition.type'],
      [monitor({ condition: { type: 'change', windowMinutes: 5000 } }), 'condition.windowMinutes'],
      [monitor({ notify: { critical: ['ch_nope'] } }), 'notify.critical.0'],
      [monitor({ minSamples: 0 }), 'minSamples'],
      [monitor({ colour: 'red' }), 'colour'],
    ];
    for (const [body, field] of cases) {
      const res = await deployer('POST', '/api/v1/monitors', body);
      expect([res.status, res.body.error?.field], JSON.stringify(body)).toEqual([400, field]);
    }
  });

  it('preview evaluates a definition without recording it', async () => {
    const res = await viewer<{ level: string; facts: { reason: string } }>(
      'POST',
      '/api/v1/monitors/preview',
      monitor({ minSamples: 1 }),
    );
    expect(res.body).toMatchObject({
      level: 'no_data',
      facts: { reason: 'p95 latency: 0 requests over the last 10 min, 1 needed' },
    });
    expect((await viewer<{ monitors: unknown[] }>('GET', '/api/v1/monitors')).body.monitors).toEqual([]);
  });
});

describe('alerts', () => {
  it('are acknowledged and resolved by deployers; unknown ids are 404', async () => {
    expect((await viewer('POST', '/api/v1/alerts/alt_x/acknowledge', {})).status).toBe(403);
    const missing = await deployer('POST', '/api/v1/alerts/alt_x/resolve', {});
    expect([missing.status, missing.body.error?.field]).toEqual([404, 'id']);
    const bad = await viewer('GET', '/api/v1/alerts?status=burning');
    expect([bad.status, bad.body.error?.field]).toEqual([400, 'status']);
  });
});
