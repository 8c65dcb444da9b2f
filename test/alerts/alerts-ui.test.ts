import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../server/alerts/alert-types.js';
import type { Channel } from '../../server/alerts/channels/channel-table.js';
import type { DeploymentEvent } from '../../server/registry/deployment-event.js';
import { RegistryFixture } from '../analysis/registry-fixture.js';
import { generationSpan, hex } from '../analysis/span-factory.js';
import { scannedTo } from '../../server/changes/scan-state.js';
import { FakeSlack } from '../fixtures/fake-slack.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { ensureWebBuilt, launchBrowser, screenshot, watchErrors } from '../web/browser.js';
import { apiClient, type ApiCall } from './api-client.js';
import { laneSpans } from './cost-traffic.js';

/**
 * The alerting UI in a real browser: the overview says what fires; the Alerts page lists the alert with its numbers,
 * timeline and notifications, and a deployer acknowledges it; a monitor is created through the form (previewed
 * first); channels show where they send but never their secrets; a prompt text drift is listed with its evidence and
 * drawn as a violet marker on the on-call charts; an alert's rollback link opens the rollback dialog.
 */
const MIN = 60_000;
const NOW = Date.now();
const env = 'production';
const prompt = `assistant-${hex(3)}`;
const EDITED = 'You are the checkout assistant. Offer a coupon to everyone.';

let t: TestTracelane;
let api: ApiCall;
let slack: FakeSlack;
let browser: Browser;
let page: Page;
let errors: string[];
let v2: DeploymentEvent;
let alert: Alert;

const url = (path: string) => t.apiUrl + path;

beforeAll(async () => {
  await ensureWebBuilt();
  slack = await FakeSlack.start();
  // Changes are scanned on demand below, once the spans (placed in the past) are in.
  t = await startTestTracelane({
    ALERTS_INTERVAL_MS: '500',
    OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1', // the fake Slack listens on loopback
    CHANGES_INTERVAL_MS: '600000',
    CHANGES_SCAN_DELAY_MS: '0',
  });
  api = apiClient(t.apiUrl);
  const registry = new RegistryFixture(t.apiUrl);
  await registry.prompt(prompt, 2);
  await registry.external(prompt, env, 1, NOW - 5 * 60 * MIN);
  v2 = await registry.external(prompt, env, 2, NOW - 70 * MIN);
  // v2's cost doubled in the last minutes; some of its spans carry a hand-edited system prompt.
  await t.store.insert('otel_traces', [
    ...laneSpans({
      environment: env,
      prompt,
      version: '2',
      from: NOW - 70 * MIN,
      to: NOW - 15 * MIN,
      count: 600,
      costUsd: 0.001,
      seed: 3,
    }),
    ...laneSpans({
      environment: env,
      prompt,
      version: '2',
      from: NOW - 8 * MIN,
      to: NOW - MIN,
      count: 300,
      costUsd: 0.0021,
      seed: 4,
    }),
    ...Array.from({ length: 40 }, (_, i) => ({
      ...generationSpan({ time: NOW - 40 * MIN + i * 15_000, environment: env, prompt, version: '2' }),
      SpanAttributes: { 'gen_ai.system_instructions': EDITED },
      RequestModel: 'gpt-4o-mini',
      ResponseModel: 'gpt-4o-mini-2024-07-18',
    })),
  ]);
  const channel = (
    await api<Channel>('POST', '/api/v1/alert-channels', {
      name: 'team Slack',
      type: 'slack',
      settings: { url: slack.url },
    })
  ).body;
  const monitor = await api<{ id: string }>('POST', '/api/v1/monitors', {
    name: 'Checkout cost per request',
    metric: 'cost_per_request',
    scope: { environment: env, prompt },
    condition: { type: 'change', windowMinutes: 10, referenceMinutes: 60 },
    notify: { warning: [channel.id], critical: [channel.id] },
  });
  expect(monitor.status, monitor.text).toBe(201);
  alert = await waitFor(
    'the alert',
    async () => (await api<{ alerts: Alert[] }>('GET', '/api/v1/alerts?status=open')).body.alerts[0],
  );
  await t.changes.runNow();
  // Then the provider swaps the snapshot behind gpt-4o-mini.
  const since = (await scannedTo(t.store, 'model_snapshot')) as number;
  await waitFor('the clock to pass the last scan', () => (Date.now() > since + 100 ? true : undefined));
  await t.store.insert(
    'otel_traces',
    Array.from({ length: 30 }, (_, i) => ({
      ...generationSpan({ time: since + 1 + i, environment: env, prompt, version: '2' }),
      RequestModel: 'gpt-4o-mini',
      ResponseModel: 'gpt-4o-mini-2025-01-31',
    })),
  );
  await t.changes.runNow();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  errors = watchErrors(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await slack?.close();
});

describe('the alerting UI', () => {
  it('says on the overview what is firing', async () => {
    await page.goto(url('/'));
    const line = page.getByRole('region', { name: 'Alerts' });
    await line.getByRole('link', { name: 'Checkout cost per request' }).waitFor();
    expect(await line.innerText()).toContain(`1 alert open`);
    await page.getByRole('region', { name: env }).getByRole('link', { name: prompt }).waitFor();
    await screenshot(page, 'alerts-overview');
  });

  it('lists the alert with its numbers, timeline and notifications, and acknowledges it', async () => {
    await page.getByRole('region', { name: 'Alerts' }).getByRole('link', { name: 'Checkout cost per request' }).click();
    const panel = page.getByRole('complementary', { name: 'Alert' });
    await panel.getByRole('heading', { name: /Checkout cost per request/ }).waitFor();
    const facts = await panel.getByRole('definition').allInnerTexts();
    expect(facts).toContain(alert.facts?.current);
    expect(facts).toContain(alert.facts?.effect);
    await panel.getByRole('cell', { name: 'team Slack (slack)' }).waitFor();
    await panel.getByRole('cell', { name: 'delivered' }).first().waitFor();
    await panel.getByRole('textbox', { name: 'Note' }).fill('looking at the coupon change');
    await panel.getByRole('button', { name: 'Acknowledge' }).click();
    await panel.getByText('looking at the coupon change').waitFor();
    expect(await panel.innerText()).toMatch(/acknowledged\s+by local/);
    await screenshot(page, 'alerts-page');
  });

  it('creates a monitor through the form, after a preview', async () => {
    await page.goto(url('/alerts?tab=monitors'));
    await page.getByRole('button', { name: 'New monitor' }).click();
    const form = page.getByRole('form', { name: 'Monitor' });
    await form.getByLabel('Name', { exact: true }).fill('p95 latency above 2 s');
    await form.getByLabel('Metric').selectOption('latency_p95');
    await form.getByLabel('Environment').selectOption(env);
    await form.getByLabel('Prompt').selectOption(prompt);
    await form.getByLabel('Critical (ms)').fill('2000');
    await form.getByLabel('team Slack').last().check();
    await form.getByRole('button', { name: 'Preview' }).click();
    await form
      .getByRole('status')
      .getByText(/p95 latency .* over the last 10 min, not above the critical level 2000 ms/)
      .waitFor();
    await screenshot(page, 'alerts-monitor-form');
    await form.getByRole('button', { name: 'Create monitor' }).click();
    await page.getByRole('cell', { name: /p95 latency above 2 s/ }).waitFor();
    await screenshot(page, 'alerts-monitors');
  });

  it('shows channels without their secrets', async () => {
    await page.goto(url('/alerts?tab=channels'));
    await page.getByRole('cell', { name: 'team Slack' }).waitFor();
    const html = await page.content();
    expect(html).not.toContain(FakeSlack.PATH);
    expect(html).toContain(new URL(slack.url).host);
  });

  it('lists the prompt drift with where the text differs, and judges it', async () => {
    await page.goto(url('/alerts?tab=changes'));
    await page.getByRole('button', { name: /^prompt text drift/ }).click();
    await page.getByText('the application sent').waitFor();
    expect(await page.locator('.diff').innerText()).toContain('Offer a coupon');
    await page.getByRole('button', { name: 'Judge it like a deployment' }).click();
    await page.getByRole('table').last().getByRole('cell', { name: 'Cost per request' }).waitFor();
    await screenshot(page, 'alerts-changes');
  });

  it('draws the changes as markers on the on-call charts, beside the deployments', async () => {
    await page.goto(url(`/prompts/${prompt}/environments/${env}?range=6h`));
    await page
      .getByRole('button', {
        name: /^Change: model snapshot behind gpt-4o-mini: gpt-4o-mini-2024-07-18 → gpt-4o-mini-2025-01-31/,
      })
      .waitFor();
    const flag = page.getByRole('button', { name: /^Change: prompt text drift/ });
    await flag.waitFor();
    await page.getByRole('button', { name: /^Deployment v2/ }).waitFor();
    await flag.click();
    await page.getByRole('complementary', { name: 'Change' }).getByText('the application sent').waitFor();
    await screenshot(page, 'change-marker');
  });

  it('opens the rollback dialog from the link an alert message carries', async () => {
    await page.goto(url(`/prompts/${prompt}/environments/${env}?range=6h&deployment=${v2.id}&rollback=1`));
    const dialog = page.getByRole('dialog', { name: /Roll back/ });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('v1');
    await screenshot(page, 'rollback-from-alert');
    expect(errors).toEqual([]);
  });
});
