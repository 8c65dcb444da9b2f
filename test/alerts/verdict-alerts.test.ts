import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Alert } from '../../server/alerts/alert-types.js';
import type { Channel } from '../../server/alerts/channels/channel-table.js';
import type { DeploymentEvent } from '../../server/registry/deployment-event.js';
import { RegistryFixture } from '../analysis/registry-fixture.js';
import { generationSpan, hex } from '../analysis/span-factory.js';
import { BASE_PROFILE, drawRequest, seededRandom, type TrafficProfile } from '../analysis/traffic.js';
import { FakePagerDuty } from '../fixtures/fake-pagerduty.js';
import { FakeSlack, slackText } from '../fixtures/fake-slack.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { apiClient, type ApiCall } from './api-client.js';

/**
 * A deployment judged `fail` by the analysis loop is an alert with nothing configured but the channels: it pages
 * with the worst metric's numbers and a link to the rollback dialog, and the rollback resolves it (PagerDuty
 * resolve on the same dedup key). A channel with deployment alerts off hears nothing.
 */
const MIN = 60_000;
const SWITCH = Date.now() - 25 * MIN;
const PD_KEY = 'R0UT1NGKEYabcdef0123456789ABCDEF';
const env = `prod-${hex(3)}`;
const prompt = `triage-${hex(4)}`;

let t: TestTracelane;
let api: ApiCall;
let slack: FakeSlack;
let quiet: FakeSlack;
let pd: FakePagerDuty;
let v2: DeploymentEvent;

function traffic(version: string, from: number, to: number, profile: TrafficProfile, seed: number) {
  const random = seededRandom(seed);
  const rows: Record<string, unknown>[] = [];
  for (let time = from; time < to; time += MIN / 110) {
    const r = drawRequest(random, profile);
    rows.push(generationSpan({ time, environment: env, prompt, version, ...r }));
  }
  return rows;
}

const alertsOfLane = async () =>
  (await api<{ alerts: Alert[] }>('GET', `/api/v1/alerts?source=deployment&environment=${env}`)).body.alerts;

beforeAll(async () => {
  [slack, quiet, pd] = await Promise.all([FakeSlack.start(), FakeSlack.start(), FakePagerDuty.start(PD_KEY)]);
  t = await startTestTracelane({
    ANALYSIS_INTERVAL_MS: '200',
    ALERTS_INTERVAL_MS: '300',
    OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1', // the fake receivers listen on loopback
  });
  api = apiClient(t.apiUrl);
  const channel = async (body: Record<string, unknown>) =>
    (await api<Channel>('POST', '/api/v1/alert-channels', body)).body;
  await channel({ name: 'Slack', type: 'slack', settings: { url: slack.url } });
  await channel({ name: 'quiet', type: 'slack', settings: { url: quiet.url }, deploymentAlerts: 'off' });
  await channel({ name: 'PD', type: 'pagerduty', settings: { routingKey: PD_KEY, eventsUrl: pd.url } });
  const registry = new RegistryFixture(t.apiUrl);
  await registry.prompt(prompt, 2);
  await registry.environment(env, {});
  const regressed = { ...BASE_PROFILE, quality: BASE_PROFILE.quality - 0.15, costUsd: BASE_PROFILE.costUsd * 1.6 };
  await t.store.insert('otel_traces', [
    ...traffic('1', SWITCH - 25 * MIN, SWITCH, BASE_PROFILE, 11),
    ...traffic('2', SWITCH, Date.now() - 10_000, regressed, 12),
  ]);
  await registry.external(prompt, env, 1, SWITCH - 180 * MIN);
  v2 = await registry.external(prompt, env, 2, SWITCH);
}, 120_000);

afterAll(async () => {
  await t.close();
  await Promise.all([slack.close(), quiet.close(), pd.close()]);
});

it('pages for a failing verdict and resolves with the rollback', async () => {
  const alert = await waitFor('the deployment alert', async () => (await alertsOfLane())[0]);
  expect(alert).toMatchObject({
    source: 'deployment',
    deploymentId: v2.id,
    level: 'critical',
    status: 'firing',
    title: `${prompt} v2 in ${env}: fail verdict`,
    scope: { environment: env, prompt, model: '' },
  });
  expect(alert.summary).toMatch(/^critical regression: quality/);
  expect(alert.facts).toMatchObject({ metric: 'quality', test: expect.stringContaining('mSPRT') as unknown });

  const message = await waitFor('Slack', () => slack.messages[0]);
  const text = slackText(message);
  expect(text).toContain(`Critical: ${prompt} v2 in ${env}: fail verdict`);
  expect(text).toContain(`${alert.facts?.baseline}`);
  expect(text).toMatch(new RegExp(`deployment=${v2.id}&rollback=1\\|Roll back v2>`));
  await waitFor('PagerDuty', () => (pd.alerts.get(alert.dedupKey) === 'triggered' ? true : undefined));

  const rollback = await api<DeploymentEvent>('POST', '/api/v1/deployments/rollback', {
    prompt,
    environment: env,
    reason: 'quality dropped',
  });
  expect(rollback.status, rollback.text).toBe(201);
  const resolved = await waitFor('the resolution', async () =>
    (await alertsOfLane()).find((a) => a.status === 'resolved'),
  );
  expect(resolved).toMatchObject({
    alertId: alert.alertId,
    note: 'replaced: rollback to v1 by local',
    actor: 'tracelane',
  });
  await waitFor('the PagerDuty resolve', () => (pd.alerts.get(alert.dedupKey) === 'resolved' ? true : undefined));
  await waitFor('the Slack resolution', () => (slack.messages.length === 2 ? true : undefined));
  expect(slackText(slack.messages[1]!)).toContain('replaced: rollback to v1 by local');
  expect(quiet.requests).toEqual([]);
}, 120_000);
