import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductEvent } from '../../server/events/event-bus.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { SseClient } from './sse-client.js';

let t: TestTracelane;
let closed = false;
beforeAll(async () => {
  t = await startTestTracelane({ EVENTS_HEARTBEAT_MS: '50' });
});
afterAll(async () => {
  if (!closed) await t.close();
});

const open = async (query = '', headers: Record<string, string> = {}) => {
  const client = await SseClient.open(`${t.apiUrl}/api/v1/events${query}`, headers);
  await client.next((m) => m.comments.includes('connected'));
  return client;
};

describe('GET /api/v1/events', () => {
  it('streams a published event within one second as id, event and JSON data', async () => {
    const client = await open();
    expect(client.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const started = Date.now();
    const published = t.bus.publish('deployment.created', {
      prompt: 'support-bot',
      environment: 'production',
      version: 3,
    });
    const message = await client.nextEvent(1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(message.id).toBe(published.id);
    expect(message.event).toBe('deployment.created');
    expect(JSON.parse(message.data!) as ProductEvent).toEqual(published);
    client.close();
  });

  it('sends only the requested types with ?types=', async () => {
    const client = await open('?types=regression.detected,deployment_request.created');
    t.bus.publish('deployment.created', { n: 1 });
    const wanted = t.bus.publish('regression.detected', { n: 2 });
    const message = await client.nextEvent();
    expect(message.id).toBe(wanted.id);
    client.close();
  });

  it('filters on analysis.updated, the verdict-change event', async () => {
    const client = await open('?types=analysis.updated');
    t.bus.publish('regression.detected', { verdict: 'fail' });
    const wanted = t.bus.publish('analysis.updated', { verdict: 'pass', previousVerdict: 'fail' });
    const message = await client.nextEvent();
    expect(message.id).toBe(wanted.id);
    expect(message.event).toBe('analysis.updated');
    client.close();
  });

  it('replays what a reconnecting client missed after its Last-Event-ID', async () => {
    const first = t.bus.publish('deployment.created', { n: 1 });
    const second = t.bus.publish('deployment.created', { n: 2 });
    const third = t.bus.publish('deployment.created', { n: 3 });
    const client = await SseClient.open(`${t.apiUrl}/api/v1/events`, { 'last-event-id': first.id });
    expect((await client.nextEvent()).id).toBe(second.id);
    expect((await client.nextEvent()).id).toBe(third.id);
    client.close();
  });

  it('starts with stream.reset when the Last-Event-ID is no longer in the replay window', async () => {
    const client = await SseClient.open(`${t.apiUrl}/api/v1/events`, { 'last-event-id': 'evt_from_a_previous_run' });
    const message = await client.nextEvent();
    expect(message.event).toBe('stream.reset');
    expect(JSON.parse(message.data!)).toMatchObject({ lastEventId: 'evt_from_a_previous_run' });
    client.close();
  });

  it('sends heartbeat comments while idle', async () => {
    const client = await open();
    const beat = await client.next((m) => m.comments.includes('heartbeat'));
    expect(beat.data).toBeUndefined();
    client.close();
  });

  it('rejects an unknown event type in ?types= with 400 naming the field', async () => {
    const res = await fetch(`${t.apiUrl}/api/v1/events?types=deployment.created,deploymnet.created`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { field: string; message: string } };
    expect(body.error.field).toBe('types');
    expect(body.error.message).toContain('deploymnet.created');
  });

  it('ends open streams when the server shuts down', async () => {
    const client = await open();
    closed = true;
    await t.close();
    await expect(client.next(() => false)).rejects.toThrow('stream ended');
  });
});
