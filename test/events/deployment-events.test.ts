import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductEvent } from '../../server/events/event-bus.js';
import { client, promptWithVersions, type Client } from '../registry/registry-client.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { Receiver } from '../webhooks/receiver.js';
import { SseClient } from './sse-client.js';

// End to end: a deploy through the registry API reaches the event stream and the webhooks.
let t: TestTracelane;
let api: Client;
let hung: Receiver;
beforeAll(async () => {
  t = await startTestTracelane({ WEBHOOK_TIMEOUT_MS: '60000', OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1' });
  api = client(t.apiUrl);
  hung = await Receiver.start(['hang']);
});
afterAll(async () => {
  await t.close();
  await hung.close();
});

describe('deployment events', () => {
  it('a deploy reaches an open event stream within one second, and a webhook, without waiting for it', async () => {
    const prompt = await promptWithVersions(api, 1, 'events');
    const stream = await SseClient.open(`${t.apiUrl}/api/v1/events?types=deployment.created`);
    await stream.next((m) => m.comments.includes('connected'));
    // a receiver that never answers: the deploy call must not wait for it
    await api.post('/api/v1/webhooks', { url: hung.url, events: ['deployment.created'] });

    const started = Date.now();
    const deployed = await api.post<{ id: string }>('/api/v1/deployments', {
      prompt,
      environment: 'production',
      version: 1,
      reason: 'first release',
    });
    expect(deployed.status).toBe(201);
    const message = await stream.nextEvent(1000);
    expect(Date.now() - started).toBeLessThan(1000);
    const event = JSON.parse(message.data!) as ProductEvent;
    expect(event).toMatchObject({ type: 'deployment.created', data: deployed.body });
    expect(message.id).toBe(event.id);

    const [request] = await waitFor('the webhook request', () =>
      hung.requests.length === 1 ? hung.requests : undefined,
    );
    expect(JSON.parse(request!.body)).toEqual(event);
    stream.close();
  });
});
