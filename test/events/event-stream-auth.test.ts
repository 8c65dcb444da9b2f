import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { SseClient } from './sse-client.js';

let t: TestTracelane;
beforeAll(async () => {
  t = await startTestTracelane({ API_KEYS: 'dashboard:viewer:viewer-secret-1234' });
});
afterAll(() => t.close());

const eventsUrl = (query = '') => `${t.apiUrl}/api/v1/events${query}`;

describe('GET /api/v1/events authentication', () => {
  it('refuses a request without a key', async () => {
    expect((await fetch(eventsUrl())).status).toBe(401);
  });

  it('refuses an unknown ?key=', async () => {
    expect((await fetch(eventsUrl('?key=wrong'))).status).toBe(401);
  });

  it('accepts the key as ?key= (EventSource cannot send headers) and delivers events', async () => {
    const client = await SseClient.open(eventsUrl('?key=viewer-secret-1234'));
    expect(client.response.status).toBe(200);
    const published = t.bus.publish('deployment.created', { prompt: 'p' });
    expect((await client.nextEvent()).id).toBe(published.id);
    client.close();
  });

  it('accepts the key in the Authorization header', async () => {
    const client = await SseClient.open(eventsUrl(), { authorization: 'Bearer viewer-secret-1234' });
    expect(client.response.status).toBe(200);
    client.close();
  });

  it('does not accept ?key= on other API routes', async () => {
    expect((await fetch(`${t.apiUrl}/api/v1/webhooks?key=viewer-secret-1234`)).status).toBe(401);
  });
});
