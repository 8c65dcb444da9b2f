import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../server/alerts/channels/channel-table.js';
import { saveChannel } from '../../server/alerts/channels/channel-table.js';
import type { AlertDeliveryRow } from '../../server/alerts/delivery/delivery-log.js';
import { hex } from '../analysis/span-factory.js';
import { FakePagerDuty } from '../fixtures/fake-pagerduty.js';
import { FakeSlack } from '../fixtures/fake-slack.js';
import { FakeSmtp } from '../fixtures/fake-smtp.js';
import { startTestTracelane, tempDataDir, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { apiClient, type ApiCall } from './api-client.js';
import { laneSpans } from './cost-traffic.js';

/**
 * Channels that fail: Slack hangs, then answers 500, then 200; PagerDuty answers 503 once; the SMTP server refuses
 * once with 451. Each is retried with backoff and every attempt is recorded; the hung Slack never holds PagerDuty or
 * email back. A delivery unfinished at shutdown is sent after the restart.
 */
const MIN = 60_000;
const NOW = Date.now();
const PD_KEY = 'R0UT1NGKEYabcdef0123456789ABCDEF';
const TIMEOUT_MS = 8000;
const dataDir = tempDataDir('tracelane-alert-retries-');

let t: TestTracelane;
let api: ApiCall;
let slack: FakeSlack;
let pd: FakePagerDuty;
let smtp: FakeSmtp;
let later: FakeSlack;

const env = (smtpPort: number) => ({
  DATA_DIR: dataDir,
  OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1', // the fake receivers listen on loopback
  ALERTS_INTERVAL_MS: '250',
  ALERT_DELIVERY_RETRY_BASE_MS: '50',
  ALERT_DELIVERY_TIMEOUT_MS: String(TIMEOUT_MS),
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: String(smtpPort),
  SMTP_TLS: 'none',
  SMTP_USER: 'u@example.com',
  SMTP_PASSWORD: 'p',
});

const deliveriesOf = async (channelId: string) =>
  (await api<{ deliveries: AlertDeliveryRow[] }>('GET', `/api/v1/alert-channels/${channelId}/deliveries`)).body
    .deliveries;

async function channel(body: Record<string, unknown>): Promise<Channel> {
  const res = await api<Channel>('POST', '/api/v1/alert-channels', body);
  expect(res.status, res.text).toBe(201);
  return res.body;
}

beforeAll(async () => {
  [slack, pd, smtp, later] = await Promise.all([
    FakeSlack.start(['hang', 500, 200]),
    FakePagerDuty.start(PD_KEY, 1),
    FakeSmtp.start('u@example.com', 'p', 1),
    FakeSlack.start(['hang', 200]),
  ]);
  t = await startTestTracelane(env(smtp.port), { keepData: true });
  api = apiClient(t.apiUrl);
}, 120_000);

afterAll(async () => {
  await t.close();
  await Promise.all([slack.close(), pd.close(), smtp.close(), later.close()]);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a failing channel', () => {
  it('is retried with backoff and does not delay the other channels', async () => {
    const [s, p, e] = [
      await channel({ name: 'Slack', type: 'slack', settings: { url: slack.url } }),
      await channel({ name: 'PD', type: 'pagerduty', settings: { routingKey: PD_KEY, eventsUrl: pd.url } }),
      await channel({ name: 'mail', type: 'email', settings: { to: ['oncall@example.com'] } }),
    ];
    const prompt = `retry-${hex(4)}`;
    await t.store.insert(
      'otel_traces',
      laneSpans({
        environment: 'production',
        prompt,
        from: NOW - 6 * MIN,
        to: NOW - MIN,
        count: 150,
        costUsd: 0.01,
        seed: 5,
      }),
    );
    const monitor = await api('POST', '/api/v1/monitors', {
      name: `Expensive ${prompt}`,
      metric: 'cost_per_request',
      scope: { environment: 'production', prompt },
      condition: { type: 'threshold', op: 'above', critical: 0.005, windowMinutes: 10 },
      notify: { critical: [s.id, p.id, e.id] },
    });
    expect(monitor.status, monitor.text).toBe(201);

    // PagerDuty and email get through on their second attempt while Slack's first is still unanswered.
    await waitFor('PagerDuty', () => (pd.accepted.length === 1 ? true : undefined));
    await waitFor('the email', () => (smtp.mails.length === 1 ? true : undefined));
    expect(slack.requests).toHaveLength(1);
    expect((await deliveriesOf(s.id)).map((d) => d.result)).toEqual(['queued']);

    const slackLog = await waitFor(
      'Slack delivered',
      async () => {
        const log = await deliveriesOf(s.id);
        return log.some((d) => d.result === 'delivered') ? log.reverse() : undefined;
      },
      60_000,
    );
    expect(slackLog.map((d) => [d.attempt, d.result, d.httpStatus, d.error])).toEqual([
      [0, 'queued', null, ''],
      [1, 'retrying', null, `no response within ${TIMEOUT_MS} ms`],
      [2, 'retrying', 500, 'receiver answered HTTP 500'],
      [3, 'delivered', 200, ''],
    ]);
    expect(slackLog[1]?.nextRetryAt).not.toBeNull();
    expect((await deliveriesOf(p.id)).reverse().map((d) => [d.attempt, d.result, d.httpStatus])).toEqual([
      [0, 'queued', null],
      [1, 'retrying', 503],
      [2, 'delivered', 202],
    ]);
    const mail = (await deliveriesOf(e.id)).reverse();
    expect(mail.map((d) => [d.attempt, d.result])).toEqual([
      [0, 'queued'],
      [1, 'retrying'],
      [2, 'delivered'],
    ]);
    expect(mail[1]?.error).toContain('451');
  }, 90_000);
});

describe('a receiver the outbound guard forbids', () => {
  it('is refused at delivery too (a channel stored before the guard), once, without retries', async () => {
    // Only 127.0.0.1 is allowed: 127.0.0.2 is another loopback address, as an old channel row might hold.
    const at = new Date().toISOString();
    const id = `ach_${hex(8)}`;
    await saveChannel(t.store, {
      ...{ id, name: 'old', type: 'slack', target: '127.0.0.2', deploymentAlerts: 'off' },
      ...{ createdAt: at, createdBy: 'test', updatedAt: at, updatedBy: 'test' },
      settings: { url: slack.url.replace('127.0.0.1', '127.0.0.2') },
    });
    const sent = await api('POST', `/api/v1/alert-channels/${id}/test`);
    expect(sent.status, sent.text).toBe(202);
    const log = await waitFor('the refusal', async () => {
      const rows = await deliveriesOf(id);
      return rows.some((d) => d.result === 'failed') ? rows.reverse() : undefined;
    });
    expect(log.map((d) => [d.attempt, d.result, d.error])).toEqual([
      [0, 'queued', ''],
      [
        1,
        'failed',
        'refused: 127.0.0.2 is a loopback address; allow internal receivers with OUTBOUND_ALLOWED_NETWORKS',
      ],
    ]);
  });
});

describe('a delivery unfinished at shutdown', () => {
  it('is sent after the restart', async () => {
    const c = await channel({ name: 'later', type: 'slack', settings: { url: later.url } });
    const sent = await api<{ deliveryId: string }>('POST', `/api/v1/alert-channels/${c.id}/test`);
    await waitFor('the first attempt', () => (later.requests.length === 1 ? true : undefined));
    await t.close(); // aborts the hung attempt: it stays unfinished in the log
    t = await startTestTracelane(env(smtp.port), { keepData: true });
    api = apiClient(t.apiUrl);
    const log = await waitFor('the resumed delivery', async () => {
      const rows = (await deliveriesOf(c.id)).filter((d) => d.deliveryId === sent.body.deliveryId);
      return rows.some((d) => d.result === 'delivered') ? rows.reverse() : undefined;
    });
    expect(log.map((d) => [d.attempt, d.result])).toEqual([
      [0, 'queued'],
      [1, 'retrying'],
      [2, 'delivered'],
    ]);
    expect(log[1]?.error).toBe('aborted at shutdown');
    expect(later.messages).toHaveLength(1);
  }, 90_000);
});
