import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../server/events/event-bus.js';
import type { Logger } from '../../server/log.js';
import { listDeliveries } from '../../server/webhooks/delivery-log.js';
import { startWebhookDispatcher, type DispatcherConfig } from '../../server/webhooks/webhook-dispatcher.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { Receiver, type Reply } from './receiver.js';

// These tests run their own dispatcher on their own bus over the test server's store, to reach its counters.
let t: TestTracelane;
const receivers: Receiver[] = [];
beforeAll(async () => {
  t = await startTestTracelane({ OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1' }); // the receivers listen on loopback
});
afterAll(async () => {
  await t.close();
  await Promise.all(receivers.map((r) => r.close()));
});

const config: DispatcherConfig = {
  WEBHOOK_MAX_ATTEMPTS: 20,
  WEBHOOK_RETRY_BASE_MS: 10,
  WEBHOOK_RETRY_MAX_MS: 50,
  WEBHOOK_TIMEOUT_MS: 60_000,
  WEBHOOK_QUEUE_PER_ENDPOINT: 5,
  WEBHOOK_QUEUE_TOTAL: 8,
  OUTBOUND_ALLOWED_NETWORKS: ['127.0.0.1'],
};

function capturingLogger() {
  const warnings: string[] = [];
  const log: Logger = { info: () => {}, error: () => {}, warn: (m) => warnings.push(m) };
  return { log, warnings };
}

async function subscribe(replies: Reply[]) {
  const receiver = await Receiver.start(replies);
  receivers.push(receiver);
  const res = await fetch(`${t.apiUrl}/api/v1/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: receiver.url, events: ['deployment.created'] }),
  });
  const { id } = (await res.json()) as { id: string };
  return { receiver, id, log: () => listDeliveries(t.store, id, 1000) };
}

describe('webhook dispatcher', () => {
  it('keeps memory bounded for dead endpoints: drops the oldest waiting deliveries, counted, logged and in the log', async () => {
    const bus = new EventBus();
    const { log, warnings } = capturingLogger();
    const dispatcher = startWebhookDispatcher({ config, store: t.store, log, bus });
    const [a, b] = [await subscribe(['hang']), await subscribe(['hang'])];

    let maxPending = 0;
    for (let i = 0; i < 20; i++) bus.publish('deployment.created', { n: i });
    const counts = await waitFor('32 dropped deliveries', () => {
      const c = dispatcher.counts();
      maxPending = Math.max(maxPending, c.pending);
      return c.dropped === 32 ? c : undefined;
    });
    // 40 deliveries (20 events × 2 webhooks); each webhook holds one in flight and at most 5 in all, 8 in total
    expect(counts.pending).toBe(8);
    expect(maxPending).toBeLessThanOrEqual(8);
    await waitFor(
      'one request per receiver',
      () => a.receiver.requests.length + b.receiver.requests.length === 2 || undefined,
    );
    expect(warnings.filter((w) => w === 'webhook delivery dropped')).toHaveLength(32);
    const logged = await waitFor('32 logged drops', async () => {
      const rows = [...(await a.log()), ...(await b.log())];
      return rows.length === 32 ? rows : undefined;
    });
    expect(logged.every((r) => r.result === 'dropped' && r.error.startsWith('queue full'))).toBe(true);

    await dispatcher.stop();
    expect(dispatcher.counts().pending).toBe(0);
    const afterStop = [...(await a.log()), ...(await b.log())];
    expect(afterStop.filter((r) => r.error === 'aborted at shutdown' && r.result === 'failed')).toHaveLength(2);
    expect(afterStop.filter((r) => r.error === 'server shut down before delivery')).toHaveLength(6);
    expect(a.receiver.requests.length + b.receiver.requests.length).toBe(2);
    await Promise.all([a, b].map((w) => fetch(`${t.apiUrl}/api/v1/webhooks/${w.id}`, { method: 'DELETE' })));
  });

  it('cancels the pending retries of a deleted webhook', async () => {
    const bus = new EventBus();
    const dispatcher = startWebhookDispatcher({ config, store: t.store, log: capturingLogger().log, bus });
    const { receiver, id } = await subscribe([500]);
    bus.publish('deployment.created', { n: 1 });
    await waitFor('a retry', () => receiver.requests.length >= 2 || undefined); // it is retrying
    const deleted = await fetch(`${t.apiUrl}/api/v1/webhooks/${id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    const seen = receiver.requests.length;
    await waitFor('no pending delivery', () => dispatcher.counts().pending === 0 || undefined); // 20 attempts allowed: only deletion ends it
    expect(receiver.requests.length).toBeLessThanOrEqual(seen + 1); // at most the attempt already in flight
    expect(dispatcher.counts().failed).toBe(0);
    await dispatcher.stop();
  });
});
