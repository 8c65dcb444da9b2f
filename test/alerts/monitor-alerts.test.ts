import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../server/alerts/alert-types.js';
import type { Channel } from '../../server/alerts/channels/channel-table.js';
import type { AlertDeliveryRow } from '../../server/alerts/delivery/delivery-log.js';
import { createLogger } from '../../server/log.js';
import { deploymentEvent, hex } from '../analysis/span-factory.js';
import { FakePagerDuty } from '../fixtures/fake-pagerduty.js';
import { FakeSlack, slackText } from '../fixtures/fake-slack.js';
import { FakeSmtp, mailSubject, mailText } from '../fixtures/fake-smtp.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { apiClient, type ApiCall } from './api-client.js';
import { laneSpans } from './cost-traffic.js';

/**
 * A monitor on cost per request against the hour before, with Slack, PagerDuty and email behind it (real HTTP and
 * SMTP fakes): it fires once per channel with the numbers and links, reminds after its interval, resolves when the
 * cost comes back (PagerDuty resolve on the same dedup key), and a monitor needing more samples stays quiet.
 * Secrets never come back from the API and never reach the log.
 */
const MIN = 60_000;
const NOW = Date.now();
const ADMIN = 'admin-secret-alerts-1';
const PD_KEY = 'R0UT1NGKEYabcdef0123456789ABCDEF';
const SMTP_USER = 'tracelane@example.com';
const SMTP_PASSWORD = 'smtp-password-never-logged';
const PUBLIC_URL = 'https://tracelane.example.com';
const environment = 'production';

let t: TestTracelane;
let api: ApiCall;
let slack: FakeSlack;
let pd: FakePagerDuty;
let smtp: FakeSmtp;
const logLines: string[] = [];
const channels: Record<'slack' | 'pagerduty' | 'email', Channel> = {} as never;

/** A lane whose cost per request doubled in the last minutes, against 400 requests of the hour before. */
async function doubledCostLane(prompt: string, seed: number): Promise<string> {
  const lane = { environment, prompt };
  await t.store.insert('otel_traces', [
    ...laneSpans({ ...lane, from: NOW - 60 * MIN, to: NOW - 15 * MIN, count: 400, costUsd: 0.001, seed }),
    ...laneSpans({ ...lane, from: NOW - 6 * MIN, to: NOW - MIN, count: 200, costUsd: 0.002, seed: seed + 1 }),
  ]);
  const deployment = deploymentEvent({ time: NOW - 20 * MIN, ...lane, version: 2, previousVersion: 1 });
  await t.store.insert('deployment_events', [deployment]);
  return deployment.id as string;
}

const costMonitor = (name: string, prompt: string, extra: Record<string, unknown> = {}) => ({
  name,
  metric: 'cost_per_request',
  scope: { environment, prompt, model: '' },
  condition: { type: 'change', windowMinutes: 10, referenceMinutes: 60, warning: 1.2, critical: 1.5 },
  minSamples: 100,
  notify: { warning: [channels.slack.id], critical: [channels.slack.id, channels.pagerduty.id, channels.email.id] },
  ...extra,
});

const alertsOf = async (monitorId: string) =>
  (await api<{ alerts: Alert[] }>('GET', `/api/v1/alerts?monitorId=${monitorId}`)).body.alerts;

const slackAbout = (title: string) => slack.messages.filter((m) => m.text.includes(title));
const mailsAbout = (title: string) => smtp.mails.filter((m) => mailSubject(m.raw).includes(title));

beforeAll(async () => {
  [slack, pd, smtp] = await Promise.all([
    FakeSlack.start(),
    FakePagerDuty.start(PD_KEY),
    FakeSmtp.start(SMTP_USER, SMTP_PASSWORD),
  ]);
  const log = createLogger('json', (line) => logLines.push(line) > 0);
  t = await startTestTracelane(
    {
      API_KEYS: `admin:admin:${ADMIN}`,
      ALERTS_INTERVAL_MS: '250',
      ALERT_DELIVERY_RETRY_BASE_MS: '50',
      PUBLIC_URL,
      OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1', // the fake Slack and PagerDuty listen on loopback
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMTP_TLS: 'none',
      SMTP_USER,
      SMTP_PASSWORD,
      SMTP_FROM: 'Tracelane <alerts@example.com>',
    },
    { log },
  );
  api = apiClient(t.apiUrl, ADMIN);
  const create = async (body: Record<string, unknown>) => {
    const res = await api<Channel>('POST', '/api/v1/alert-channels', body);
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  channels.slack = await create({ name: 'on-call Slack', type: 'slack', settings: { url: slack.url } });
  channels.pagerduty = await create({
    name: 'PagerDuty',
    type: 'pagerduty',
    settings: { routingKey: PD_KEY, eventsUrl: pd.url },
  });
  channels.email = await create({ name: 'team mail', type: 'email', settings: { to: ['oncall@example.com'] } });
}, 120_000);

afterAll(async () => {
  await t.close();
  await Promise.all([slack.close(), pd.close(), smtp.close()]);
});

describe('a monitor that fires', () => {
  const prompt = `checkout-${hex(4)}`;
  const name = `Checkout cost ${prompt}`;
  let monitorId = '';
  let deploymentId = '';
  let alert: Alert;

  beforeAll(async () => {
    deploymentId = await doubledCostLane(prompt, 1);
    const res = await api<{ id: string }>('POST', '/api/v1/monitors', costMonitor(name, prompt));
    expect(res.status, res.text).toBe(201);
    monitorId = res.body.id;
    alert = await waitFor('the alert', async () => (await alertsOf(monitorId))[0]);
    await waitFor(
      'every channel',
      () => (slackAbout(name).length && pd.accepted.length && mailsAbout(name).length) || undefined,
    );
  });

  it('is critical, with the numbers of both windows', () => {
    expect(alert).toMatchObject({ status: 'firing', level: 'critical', kind: 'fired', source: 'monitor', title: name });
    const f = alert.facts;
    expect(f).toMatchObject({
      metric: 'cost_per_request',
      label: 'cost per request',
      n: { current: 200, baseline: 400 },
    });
    expect(Number(f?.current.slice(1))).toBeCloseTo(0.002, 3);
    expect(Number(f?.baseline?.slice(1))).toBeCloseTo(0.001, 3);
    expect(Number(f?.effect?.slice(1))).toBeGreaterThan(1.8);
    expect(f?.test).toBe('Welch t-test');
    expect(alert.summary).toMatch(
      /^cost per request \$0\.00\d+ → \$0\.00\d+ \(×[\d.]+\), p=.* fail threshold ×1\.5 — the last 10 min against the 1 h before$/,
    );
  });

  it('notifies Slack once with the numbers, the scope, the deployment and the links', () => {
    const [message, ...more] = slackAbout(name);
    expect(more).toHaveLength(0);
    const text = slackText(message!);
    const f = alert.facts!;
    for (const fact of [f.current, f.baseline!, f.effect!, '200 now, 400 in the baseline', `${prompt} in production`]) {
      expect(text).toContain(fact);
    }
    expect(text).toContain('Critical');
    expect(text).toContain(`${prompt} v2 deploy to production (was v1) by test`);
    const oncall = `${PUBLIC_URL}/prompts/${prompt}/environments/production?from=`;
    expect(text).toContain(oncall);
    expect(text).toMatch(new RegExp(`&deployment=${deploymentId}&rollback=1\\|Roll back v2>`));
    expect(text).toContain(`${PUBLIC_URL}/alerts?alert=${alert.alertId}|Alert details>`);
  });

  it('triggers PagerDuty once with the alert dedup key, severity and links', () => {
    const triggers = pd.accepted.filter((e) => e.dedup_key === alert.dedupKey);
    expect(triggers).toHaveLength(1);
    const [event] = triggers;
    expect(event).toMatchObject({ event_action: 'trigger', routing_key: PD_KEY });
    expect(event?.payload).toMatchObject({ severity: 'critical', source: 'tracelane/production' });
    expect(event?.payload?.summary).toContain(name);
    expect(event?.payload?.custom_details).toMatchObject({ Now: alert.facts?.current, Effect: alert.facts?.effect });
    expect(event?.links?.map((l) => l.text)).toEqual(['On-call view', 'Roll back v2', 'Alert in Tracelane']);
  });

  it('emails once, signed in with the SMTP credentials', () => {
    const mails = mailsAbout(name);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to).toEqual(['oncall@example.com']);
    expect(mailSubject(mails[0]!.raw)).toBe(`[Tracelane] Critical: ${name}`);
    const text = mailText(mails[0]!.raw);
    expect(text).toContain(`Effect: ${alert.facts?.effect}`);
    expect(text).toContain(`Roll back v2: ${PUBLIC_URL}/prompts/${prompt}/environments/production?`);
    expect(smtp.logins).toContainEqual({ user: SMTP_USER, ok: true });
  });

  it('records every delivery', async () => {
    const detail = await api<{ deliveries: AlertDeliveryRow[] }>('GET', `/api/v1/alerts/${alert.alertId}`);
    const delivered = detail.body.deliveries.filter((d) => d.result === 'delivered').map((d) => d.channelType);
    expect(delivered.sort()).toEqual(['email', 'pagerduty', 'slack']);
  });

  it('resolves when the condition clears, on every channel, PagerDuty with the same dedup key', async () => {
    // 3000 more requests at the old cost in the window: the mean is back near the baseline.
    await t.store.insert(
      'otel_traces',
      laneSpans({ environment, prompt, from: NOW - 5 * MIN, to: NOW - MIN, count: 3000, costUsd: 0.001, seed: 9 }),
    );
    const resolved = await waitFor('resolution', async () =>
      (await alertsOf(monitorId)).find((a) => a.status === 'resolved'),
    );
    expect(resolved).toMatchObject({
      alertId: alert.alertId,
      kind: 'resolved',
      actor: 'tracelane',
      note: 'the condition cleared',
    });
    await waitFor('the PagerDuty resolve', () => (pd.alerts.get(alert.dedupKey) === 'resolved' ? true : undefined));
    const resolves = pd.accepted.filter((e) => e.event_action === 'resolve');
    expect(resolves).toEqual([{ routing_key: PD_KEY, event_action: 'resolve', dedup_key: alert.dedupKey }]);
    await waitFor(
      'Slack and email resolution',
      () => (slackAbout(name).length === 2 && mailsAbout(name).length === 2) || undefined,
    );
    expect(slackText(slackAbout(name)[1]!)).toContain(`Resolved: ${name}`);
    expect(mailSubject(mailsAbout(name)[1]!.raw)).toBe(`[Tracelane] Resolved: ${name}`);
  });
});

describe('a monitor with a reminder interval', () => {
  const prompt = `reminder-${hex(4)}`;
  const name = `Reminded cost ${prompt}`;

  it('notifies again while the alert fires, and not once acknowledged', async () => {
    await doubledCostLane(prompt, 21);
    const body = {
      ...costMonitor(name, prompt, { renotifyMinutes: 0.03 }),
      notify: { warning: [], critical: [channels.slack.id] },
    };
    const res = await api<{ id: string }>('POST', '/api/v1/monitors', body);
    expect(res.status, res.text).toBe(201);
    await waitFor('a reminder', () => (slackAbout(name).length >= 2 ? true : undefined));
    expect(slackText(slackAbout(name)[1]!)).toContain(`Still critical: ${name}`);
    const [alert] = await alertsOf(res.body.id);
    const ack = await api<Alert>('POST', `/api/v1/alerts/${alert!.alertId}/acknowledge`, { note: 'on it' });
    expect(ack.body).toMatchObject({ status: 'acknowledged', actor: 'admin', note: 'on it' });
    await waitFor('the acknowledgement', () =>
      slackAbout(name).some((m) => m.text.startsWith('Acknowledged')) ? true : undefined,
    );
    const count = slackAbout(name).length;
    const acknowledgedAt = Date.now();
    await waitFor('a reminder interval to pass', () => (Date.now() > acknowledgedAt + 2500 ? true : undefined));
    await t.alerts.runNow();
    expect(slackAbout(name)).toHaveLength(count);
    const again = await api('POST', `/api/v1/alerts/${alert!.alertId}/acknowledge`, {});
    expect(again.status).toBe(409);
  });
});

describe('a monitor under its minimum sample', () => {
  const prompt = `quiet-${hex(4)}`;
  const name = `Quiet cost ${prompt}`;

  it('pages nobody and says there is no data', async () => {
    await doubledCostLane(prompt, 31);
    const res = await api<{ id: string }>('POST', '/api/v1/monitors', costMonitor(name, prompt, { minSamples: 1000 }));
    const state = await waitFor(
      'an evaluation',
      async () =>
        (
          await api<{ state: { level: string; facts: { reason: string } } | null }>(
            'GET',
            `/api/v1/monitors/${res.body.id}`,
          )
        ).body.state ?? undefined,
    );
    await t.alerts.runNow();
    expect(state.level).toBe('no_data');
    expect(state.facts.reason).toContain('too few samples (baseline 400, candidate 200; 1000 per arm needed)');
    expect(await alertsOf(res.body.id)).toEqual([]);
    expect(slackAbout(name)).toEqual([]);
  });
});

describe('secrets', () => {
  it('are never returned by the API', async () => {
    const list = await api('GET', '/api/v1/alert-channels');
    const patched = await api('PATCH', `/api/v1/alert-channels/${channels.pagerduty.id}`, {
      settings: { routingKey: PD_KEY, eventsUrl: pd.url },
    });
    expect(patched.status, patched.text).toBe(200);
    for (const text of [list.text, patched.text, JSON.stringify(channels)]) {
      expect(text).not.toContain(FakeSlack.PATH);
      expect(text).not.toContain(PD_KEY);
    }
    expect(list.text).toContain(`"target":"127.0.0.1:`);
  });

  it('never reach the log, even when a channel fails', async () => {
    const dead = await api<Channel>('POST', '/api/v1/alert-channels', {
      name: 'dead Slack',
      type: 'slack',
      settings: { url: `${slack.origin}/services/T000/B000/revokedXXXXsecret` },
    });
    const sent = await api<{ deliveryId: string }>('POST', `/api/v1/alert-channels/${dead.body.id}/test`);
    expect(sent.status).toBe(202);
    const failed = await waitFor('the failed test message', async () => {
      const log = await api<{ deliveries: AlertDeliveryRow[] }>(
        'GET',
        `/api/v1/alert-channels/${dead.body.id}/deliveries`,
      );
      return log.body.deliveries.find((d) => d.result === 'failed');
    });
    expect(failed).toMatchObject({ httpStatus: 404, responseExcerpt: 'no_service', attempt: 1 });
    expect(logLines.some((l) => l.includes('alert notification failed'))).toBe(true);
    const log = logLines.join('\n');
    for (const secret of [SMTP_PASSWORD, PD_KEY, FakeSlack.PATH, 'revokedXXXXsecret'])
      expect(log).not.toContain(secret);
  });
});
