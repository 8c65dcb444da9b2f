import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvironmentChange } from '../../server/registry/environment-audit.js';
import type { Environment } from '../../server/registry/environment-queries.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { Receiver } from '../webhooks/receiver.js';
import { ensureWebBuilt, launchBrowser, screenshot, watchErrors } from './browser.js';

/**
 * Settings in a real browser, as an admin: an environment's policies changed and in effect through the API (with
 * an audit entry), a new environment created and ordered, a webhook created (secret once) whose test event shows
 * in its delivery log, an API key created and revoked; and a viewer who sees none of it.
 */
const KEYS = { ops: 'ops-secret-st', view: 'view-secret-st' };

let tl: TestTracelane;
let browser: Browser;
let page: Page;
let errors: string[];
let receiver: Receiver;

async function as<T>(key: string, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(tl.apiUrl + path, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as T };
}

async function signIn(key: string): Promise<void> {
  if (await page.getByRole('button', { name: 'Sign out' }).isVisible()) {
    await page.getByRole('button', { name: 'Sign out' }).click();
  }
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

beforeAll(async () => {
  await ensureWebBuilt();
  tl = await startTestTracelane({
    API_KEYS: `ops:admin:${KEYS.ops},view:viewer:${KEYS.view}`,
    OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1', // the test receiver listens on loopback
  });
  receiver = await Receiver.start([200]);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  errors = watchErrors(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await tl?.close();
});

describe('Settings', () => {
  it('changes an environment’s policies, validated by the API, in effect and in its history', async () => {
    await page.goto(`${tl.apiUrl}/settings`);
    await signIn(KEYS.ops);
    const row = page.getByRole('row').filter({ has: page.getByText('staging', { exact: true }) });
    await row.getByRole('button', { name: 'Policies…' }).click();
    const form = page.getByRole('form', { name: 'Policies of staging' });
    await form.getByLabel('Roll back a failing deployment automatically').check();
    await form.getByLabel('quality warn').fill('-0.05');
    await form.getByLabel('latency_p95 fail').fill('1.1'); // below the warn threshold (1.15): refused
    await form.getByRole('button', { name: 'Save policies' }).click();
    await form.getByText('fail threshold must be at or beyond the warn threshold').waitFor();
    await screenshot(page, 'settings-policy-error');
    expect((await as<Environment>(KEYS.ops, '/api/v1/environments/staging')).body.policies.autoRollback).toBe(false);

    await form.getByLabel('latency_p95 fail').fill('');
    await form.getByLabel('Bake window (minutes)').fill('45');
    await form.getByRole('button', { name: 'Save policies' }).click();
    await page.getByText('Saved the policies of staging.').waitFor();
    const staging = (await as<Environment>(KEYS.ops, '/api/v1/environments/staging')).body;
    expect(staging.policies).toMatchObject({
      autoRollback: true,
      detector: { bakeMinutes: 45, metrics: { quality: { warn: -0.05 } } },
    });

    await row.getByRole('button', { name: 'History' }).click();
    const history = page.getByRole('list', { name: 'History of staging' });
    await history.getByText('ops', { exact: true }).first().waitFor();
    expect(await history.innerText()).toMatch(
      /ops changed:[\s\S]*policies\.detector\.metrics\.quality\.warn — → -0\.05/,
    );
    const { body } = await as<{ changes: EnvironmentChange[] }>(KEYS.ops, '/api/v1/environments/staging/changes');
    expect(body.changes[0]).toMatchObject({ actor: 'ops', action: 'update' });
    expect(body.changes[0]?.changes).toContainEqual({ field: 'policies.autoRollback', from: false, to: true });
    await screenshot(page, 'settings-environments');
  });

  it('creates a protected environment and moves it up', async () => {
    const create = page.getByRole('form', { name: 'New environment' });
    await create.getByLabel('New environment').fill('eu-production');
    await create.getByLabel('Protected (deploys need a review)').check();
    await create.getByRole('button', { name: 'Create' }).click();
    await page.getByText('Created eu-production.').waitFor();
    await page.getByRole('button', { name: 'Move eu-production up' }).click();
    await page.getByText('Moved eu-production up.').waitFor();
    const { body } = await as<{ environments: Environment[] }>(KEYS.ops, '/api/v1/environments');
    expect(body.environments.map((e) => e.name)).toEqual([
      'development',
      'qa',
      'staging',
      'eu-production',
      'production',
    ]);
    expect(body.environments.find((e) => e.name === 'eu-production')?.protected).toBe(true);

    const row = page.getByRole('row').filter({ has: page.getByText('eu-production', { exact: true }) });
    await row.getByRole('button', { name: 'Make primary' }).click();
    await page.getByText('eu-production is now primary.').waitFor();
    await row.getByText('primary', { exact: true }).waitFor();
    const after = (await as<{ environments: Environment[] }>(KEYS.ops, '/api/v1/environments')).body.environments;
    expect(after.filter((e) => e.primary).map((e) => e.name)).toEqual(['eu-production']);
  });

  it('creates a webhook, shows its secret once, and logs a test delivery', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click();
    const create = page.getByRole('form', { name: 'New webhook' });
    await create.getByLabel('URL').fill(receiver.url);
    await create.getByLabel('Description').fill('release channel');
    await create.getByRole('button', { name: 'Create webhook' }).click();
    const secret = await page.getByLabel('Signing secret of the new webhook').innerText();
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    await page.getByRole('button', { name: 'Copy' }).waitFor();
    await screenshot(page, 'settings-webhook-secret');
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByText(secret).count()).toBe(0);

    await page.getByRole('button', { name: 'Send test event' }).click();
    const log = page.getByRole('table', { name: 'Delivery log' });
    await log.getByRole('cell', { name: 'delivered' }).waitFor();
    expect(await log.innerText()).toMatch(/webhook\.test\s+1\s+delivered\s+200\s+\d+(\.\d)? ms\s+reply 200/);
    expect(receiver.requests.at(-1)?.headers['x-tracelane-event']).toBe('webhook.test');
    await screenshot(page, 'settings-webhooks');

    await page.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: `Delete the webhook to ${receiver.url}?` })
      .getByRole('button', { name: 'Delete webhook' })
      .click();
    await page.getByText(`Deleted the webhook to ${receiver.url}.`).waitFor();
    expect((await as<{ webhooks: unknown[] }>(KEYS.ops, '/api/v1/webhooks')).body.webhooks).toEqual([]);
  });

  it('creates an API key with a role, shows its secret once, and revokes it', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    const create = page.getByRole('form', { name: 'New API key' });
    await create.getByLabel('Name').fill('ci-bot');
    const roles = await create
      .getByLabel('Role')
      .locator('option')
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(roles).toEqual(['viewer', 'scorer', 'deployer', 'admin']); // the server's ROLES
    await create.getByLabel('Role').selectOption('deployer');
    await create.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.getByLabel('API key ci-bot').innerText();
    expect((await as<{ name: string; role: string }>(secret, '/api/v1/me')).body).toMatchObject({
      name: 'ci-bot',
      role: 'deployer',
    });
    await screenshot(page, 'settings-keys');
    await page.getByRole('button', { name: 'Revoke' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke the API key ci-bot?' })
      .getByRole('button', { name: 'Revoke ci-bot' })
      .click();
    await page.getByText('Revoked ci-bot').waitFor();
    expect((await as(secret, '/api/v1/me')).status).toBe(401);
  });

  it('shows a viewer no Settings and no actions there', async () => {
    await signIn(KEYS.view);
    await page.getByText('view · viewer').waitFor();
    expect(await page.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    await page.goto(`${tl.apiUrl}/settings`);
    await page.getByText('Only admins can change settings').waitFor();
    expect(await page.getByRole('button', { name: /Create|Save|Revoke|Delete/ }).count()).toBe(0);
    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  });
});
