import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamTokens } from '../../server/events/stream-token.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { SseClient } from './sse-client.js';

let t: TestTracelane;
beforeAll(async () => {
  t = await startTestTracelane({ API_KEYS: 'dashboard:viewer:viewer-secret-1234,ops:admin:admin-secret-1234' });
});
afterAll(() => t.close());

const eventsUrl = (query = '') => `${t.apiUrl}/api/v1/events${query}`;
const streamToken = async (key: string) => {
  const res = await fetch(`${t.apiUrl}/api/v1/events/token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
  });
  return { status: res.status, cache: res.headers.get('cache-control'), ...((await res.json()) as object) } as {
    status: number;
    cache: string | null;
    token: string;
    expiresAt: string;
  };
};

describe('GET /api/v1/events authentication', () => {
  it('refuses a request without a key or token', async () => {
    expect((await fetch(eventsUrl())).status).toBe(401);
  });

  it('accepts the key in the Authorization header', async () => {
    const client = await SseClient.open(eventsUrl(), { authorization: 'Bearer viewer-secret-1234' });
    expect(client.response.status).toBe(200);
    client.close();
  });

  it('trades the key (in a header) for a short-lived stream token that opens the stream from the URL', async () => {
    const issued = await streamToken('admin-secret-1234');
    expect(issued.status).toBe(201);
    expect(issued.cache).toBe('no-store');
    expect(issued.token).toMatch(/^st_[\w-]+\.[\w-]+$/);
    expect(issued.token).not.toContain('admin-secret-1234');
    const lifetime = Date.parse(issued.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(0);
    expect(lifetime).toBeLessThanOrEqual(60_000);

    const client = await SseClient.open(eventsUrl(`?token=${issued.token}`));
    expect(client.response.status).toBe(200);
    const published = t.bus.publish('deployment.created', { prompt: 'p' });
    expect((await client.nextEvent()).id).toBe(published.id);
    client.close();
    expect((await fetch(`${t.apiUrl}/api/v1/events/token`, { method: 'POST' })).status).toBe(401);
  });

  it('reopens the stream from ?lastEventId= and replays what was missed', async () => {
    const { token } = await streamToken('viewer-secret-1234');
    const seen = t.bus.publish('deployment.created', { n: 1 });
    const missed = t.bus.publish('deployment.created', { n: 2 });
    const client = await SseClient.open(eventsUrl(`?token=${token}&lastEventId=${seen.id}`));
    expect((await client.nextEvent()).id).toBe(missed.id);
    client.close();
  });

  it('refuses an API key in the URL, and a token that is forged, expired or from another process', async () => {
    const key = await fetch(eventsUrl('?key=viewer-secret-1234'));
    expect(key.status).toBe(400);
    expect(((await key.json()) as { error: { field: string } }).error.field).toBe('key');
    const { token } = await streamToken('viewer-secret-1234');
    const forged = token.replace(/\.[\w-]+$/, '.AAAA');
    expect((await fetch(eventsUrl(`?token=${forged}`))).status).toBe(401);
    const elsewhere = new StreamTokens().issue({ name: 'ops', role: 'admin' }).token;
    expect((await fetch(eventsUrl(`?token=${elsewhere}`))).status).toBe(401);
    const tokens = new StreamTokens(60_000);
    const expired = tokens.issue({ name: 'ops', role: 'admin' }, Date.now() - 61_000).token;
    expect(tokens.verify(expired)).toBeUndefined();
    expect(tokens.verify(tokens.issue({ name: 'ops', role: 'admin' }).token)).toEqual({ name: 'ops', role: 'viewer' });
  });

  it('opens nothing but the event stream: the token is no key elsewhere', async () => {
    const { token } = await streamToken('admin-secret-1234');
    expect((await fetch(`${t.apiUrl}/api/v1/webhooks?token=${token}`)).status).toBe(401);
    const asBearer = await fetch(`${t.apiUrl}/api/v1/webhooks`, { headers: { authorization: `Bearer ${token}` } });
    expect(asBearer.status).toBe(401);
    expect((await fetch(`${t.apiUrl}/api/v1/me?key=viewer-secret-1234`)).status).toBe(401);
  });
});
