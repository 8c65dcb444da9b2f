import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthThrottle, clientKey } from '../../server/http/auth-throttle.js';
import type { Store } from '../../server/store/store.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';

/**
 * Brute force: wrong API and ingest keys are rate-limited per client address (every loopback address is a
 * different client: requests are sent from 127.0.0.x), and wrong keys cost no store query after the first.
 */
let t: TestTracelane;
let storeKeyQueries = 0;
beforeAll(async () => {
  t = await startTestTracelane({
    API_KEYS: 'ops:admin:admin-secret-1234',
    INGEST_KEYS: 'ingest-secret-1234',
    AUTH_FAILURE_LIMIT: '5',
    AUTH_FAILURE_WINDOW_MS: '600000',
  });
  const store: Store = t.store;
  const query = store.query.bind(store);
  store.query = (sql, params) => {
    if (sql.includes('FROM api_keys')) storeKeyQueries++;
    return query(sql, params);
  };
});
afterAll(() => t.close());

/** A request from a given loopback address, so each test is its own client. */
function send(
  url: string,
  from: string,
  headers: Record<string, string>,
  method = 'GET',
  body = '',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, localAddress: from }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const me = (from: string, key: string) =>
  send(`${t.apiUrl}/api/v1/me`, from, { authorization: `Bearer ${key}` }).then((r) => r.status);
const exportFrom = (from: string, key: string) =>
  send(`${t.otlpUrl}/v1/traces`, from, { 'content-type': 'application/json', 'x-api-key': key }, 'POST', '{}');

describe('failed authentication', () => {
  it('answers 429 with Retry-After after too many wrong API keys from one address — even to the right key', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push(await me('127.0.0.11', `wrong-${i}`));
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const blocked = await send(`${t.apiUrl}/api/v1/me`, '127.0.0.11', { authorization: 'Bearer wrong-5' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(await me('127.0.0.11', 'admin-secret-1234')).toBe(429); // no oracle while blocked
    expect(await me('127.0.0.12', 'admin-secret-1234')).toBe(200); // another address is not affected
    expect(await send(`${t.apiUrl}/api/v1/health`, '127.0.0.11', {}).then((r) => r.status)).toBe(200); // no key needed
  });

  it('counts wrong ingest keys the same way, answered 429 with Retry-After and counted', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await exportFrom('127.0.0.21', `wrong-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const blocked = await exportFrom('127.0.0.21', 'ingest-secret-1234');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await exportFrom('127.0.0.22', 'ingest-secret-1234')).status).toBe(200);
    const metrics = await (await fetch(`${t.otlpUrl}/metrics`)).text();
    expect(metrics).toContain('tracelane_collector_requests_rejected_total{reason="too_many_auth_failures"} 1');
  });

  it('never asks the store about a key that cannot be a stored key, and asks once about an unknown one', async () => {
    const before = storeKeyQueries;
    await me('127.0.0.31', 'not-shaped-like-a-stored-key');
    expect(storeKeyQueries).toBe(before);
    const shaped = `tl_${'A'.repeat(43)}`;
    await me('127.0.0.32', shaped);
    await me('127.0.0.33', shaped);
    await me('127.0.0.34', shaped);
    expect(storeKeyQueries).toBe(before + 1);
  });

  it('still takes a new stored key at once and stops a revoked one at once', async () => {
    const created = await fetch(`${t.apiUrl}/api/v1/keys`, {
      method: 'POST',
      headers: { authorization: 'Bearer admin-secret-1234', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'dash', role: 'viewer' }),
    });
    const key = (await created.json()) as { id: string; secret: string };
    expect(await me('127.0.0.41', key.secret)).toBe(200);
    await fetch(`${t.apiUrl}/api/v1/keys/${key.id}`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer admin-secret-1234' },
    });
    expect(await me('127.0.0.41', key.secret)).toBe(401);
  });
});

describe('AuthThrottle', () => {
  it('refills over the window and groups IPv6 addresses by /64', () => {
    const throttle = new AuthThrottle({ limit: 2, windowMs: 60_000 });
    throttle.failed('2001:db8:1:2::1', 0);
    throttle.failed('2001:db8:1:2:ffff::9', 0);
    expect(throttle.retryAfterSeconds('2001:db8:1:2::77', 0)).toBe(30);
    expect(throttle.retryAfterSeconds('2001:db8:1:3::1', 0)).toBe(0);
    expect(throttle.retryAfterSeconds('2001:db8:1:2::1', 30_000)).toBe(0);
    expect(clientKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(clientKey('2001:DB8:0001:0002:aaaa::1')).toBe('2001:db8:1:2::/64');
  });

  it('forgets the least recently seen address beyond its bound', () => {
    const throttle = new AuthThrottle({ limit: 1, windowMs: 60_000, maxClients: 2 });
    for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) throttle.failed(address, 0);
    expect(throttle.retryAfterSeconds('10.0.0.1', 0)).toBe(0);
    expect(throttle.retryAfterSeconds('10.0.0.3', 0)).toBeGreaterThan(0);
  });
});
