import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { Receiver, type Reply } from './receiver.js';

let t: TestTracelane;
const receivers: Receiver[] = [];
beforeAll(async () => {
  t = await startTestTracelane({
    WEBHOOK_RETRY_BASE_MS: '20',
    WEBHOOK_RETRY_MAX_MS: '100',
    WEBHOOK_MAX_ATTEMPTS: '4',
    WEBHOOK_TIMEOUT_MS: '300',
    OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1', // the receivers listen on loopback
  });
});
afterAll(async () => {
  await t.close();
  await Promise.all(receivers.map((r) => r.close()));
});

interface Delivery {
  time: string;
  eventId: string;
  eventType: string;
  attempt: number;
  result: string;
  httpStatus: number | null;
  error: string;
  responseExcerpt: string;
  latencyMs: number;
  nextRetryAt: string | null;
}

const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${t.apiUrl}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
};

/** Polls a webhook's delivery log until `done` holds for it, and returns it. */
const deliveryLog = (webhookId: string, done: (log: Delivery[]) => boolean) =>
  waitFor(`a delivery log of webhook ${webhookId} that meets ${done.toString()}`, async () => {
    const { deliveries } = await api<{ deliveries: Delivery[] }>('GET', `/webhooks/${webhookId}/deliveries`);
    return done(deliveries) ? deliveries : undefined;
  });

/** A receiver and a webhook subscribed to every event that points at it. */
async function subscribe(replies: Reply[]) {
  const receiver = await Receiver.start(replies);
  receivers.push(receiver);
  const webhook = await api<{ id: string; secret: string }>('POST', '/webhooks', { url: receiver.url, events: ['*'] });
  const deliveries = (done: (log: Delivery[]) => boolean) => deliveryLog(webhook.id, done);
  return { receiver, webhook, deliveries };
}

/**
 * Verifies `X-Tracelane-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` independently of
 * the server's code: WebCrypto instead of node:crypto, and a tolerance on the timestamp against replays.
 */
async function verifySignature(secret: string, body: string, header: string, toleranceSeconds = 300): Promise<boolean> {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > toleranceSeconds) return false;
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'verify',
  ]);
  const mac = Uint8Array.from((parts.v1 ?? '').match(/../g) ?? [], (h) => parseInt(h, 16));
  return crypto.subtle.verify('HMAC', key, mac, enc.encode(`${timestamp}.${body}`));
}

describe('webhook delivery', () => {
  it('posts the event as JSON with a signature an independent verifier accepts, and logs the attempt', async () => {
    const { receiver, webhook, deliveries } = await subscribe([200]);
    const event = t.bus.publish('deployment.created', { prompt: 'support-bot', environment: 'production', version: 7 });
    await waitFor('the first request', () => receiver.requests.length === 1 || undefined);
    const request = receiver.requests[0]!;
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-tracelane-event']).toBe('deployment.created');
    expect(JSON.parse(request.body)).toEqual(event);
    const header = request.headers['x-tracelane-signature'] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(await verifySignature(webhook.secret, request.body, header)).toBe(true);
    expect(await verifySignature('whsec_wrong', request.body, header)).toBe(false);
    expect(await verifySignature(webhook.secret, request.body.replace('support-bot', 'evil-bot'), header)).toBe(false);

    const [row] = await deliveries((d) => d.length === 1);
    expect(row).toMatchObject({ eventId: event.id, eventType: 'deployment.created', attempt: 1, result: 'delivered' });
    expect(row).toMatchObject({ httpStatus: 200, error: '', responseExcerpt: 'reply 200', nextRetryAt: null });
    expect(row!.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('retries a failing receiver with backoff until it answers 2xx, logging every attempt', async () => {
    const { receiver, webhook, deliveries } = await subscribe([500, 500, 200]);
    const event = t.bus.publish('regression.detected', { deploymentId: 'dep_1', verdict: 'fail' });
    const log = await deliveries((d) => d.some((r) => r.result === 'delivered'));
    const attempts = [...log].sort((a, b) => a.attempt - b.attempt);
    expect(attempts.map((a) => [a.attempt, a.result, a.httpStatus])).toEqual([
      [1, 'retrying', 500],
      [2, 'retrying', 500],
      [3, 'delivered', 200],
    ]);
    expect(attempts.every((a) => a.eventId === event.id)).toBe(true);
    expect(attempts[0]!.error).toBe('receiver answered HTTP 500');
    // backoff after attempt n: 20·2^(n−1) ms scaled by ½..1, counted from the end of the attempt (±2 ms rounding)
    const waits = attempts.slice(0, 2).map((a) => Date.parse(a.nextRetryAt ?? '') - Date.parse(a.time) - a.latencyMs);
    expect(waits[0]).toBeGreaterThanOrEqual(8);
    expect(waits[0]).toBeLessThanOrEqual(22);
    expect(waits[1]).toBeGreaterThanOrEqual(18);
    expect(waits[1]).toBeLessThanOrEqual(42);
    expect(Date.parse(attempts[1]!.time)).toBeGreaterThanOrEqual(Date.parse(attempts[0]!.nextRetryAt!));
    expect(Date.parse(attempts[2]!.time)).toBeGreaterThanOrEqual(Date.parse(attempts[1]!.nextRetryAt!));
    expect(attempts[2]!.nextRetryAt).toBeNull();
    // every attempt is the same event, re-signed
    expect(new Set(receiver.requests.map((r) => r.body)).size).toBe(1);
    for (const r of receiver.requests) {
      expect(await verifySignature(webhook.secret, r.body, r.headers['x-tracelane-signature'] as string)).toBe(true);
    }
  });

  it('gives up after WEBHOOK_MAX_ATTEMPTS and records the final failure', async () => {
    const { receiver, deliveries } = await subscribe([503]);
    t.bus.publish('deployment.created', { n: 1 });
    const log = await deliveries((d) => d.some((r) => r.result === 'failed'));
    expect(log.map((r) => r.result).sort()).toEqual(['failed', 'retrying', 'retrying', 'retrying']);
    expect(receiver.requests).toHaveLength(4);
  });

  it('times out a receiver that never answers', async () => {
    const { deliveries } = await subscribe(['hang', 200]);
    t.bus.publish('deployment.created', { n: 2 });
    const log = await deliveries((d) => d.some((r) => r.result === 'delivered'));
    const first = log.find((r) => r.attempt === 1)!;
    expect(first).toMatchObject({ result: 'retrying', httpStatus: null, error: 'no response within 300 ms' });
    expect(first.latencyMs).toBeGreaterThanOrEqual(290);
  });

  it('records a refused connection as a failed attempt', async () => {
    const receiver = await Receiver.start();
    const url = receiver.url;
    await receiver.close();
    const webhook = await api<{ id: string }>('POST', '/webhooks', { url, events: ['deployment.created'] });
    t.bus.publish('deployment.created', { n: 3 });
    const log = await deliveryLog(webhook.id, (d) => d.length >= 1);
    expect(log.at(-1)).toMatchObject({ attempt: 1, httpStatus: null, error: 'ECONNREFUSED' });
  });

  it('delivers only the subscribed event types', async () => {
    const receiver = await Receiver.start();
    receivers.push(receiver);
    await api('POST', '/webhooks', { url: receiver.url, events: ['regression.detected'] });
    t.bus.publish('deployment.created', { n: 4 });
    const wanted = t.bus.publish('regression.detected', { n: 5 });
    await waitFor('a request', () => receiver.requests.length >= 1 || undefined);
    expect(receiver.requests.map((r) => (JSON.parse(r.body) as { id: string }).id)).toEqual([wanted.id]);
  });
});
