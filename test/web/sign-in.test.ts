import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { ensureWebBuilt, launchBrowser, screenshot, watchErrors } from './browser.js';
import { waitFor } from './seed.js';

/**
 * The UI on a server with API keys: signing in, what each role is offered, live updates over the event stream
 * (EventSource with a short-lived `?token=`, never the key), and the empty install's first-trace instructions.
 */
const VIEWER = 'viewer-secret-1';
const DEPLOYER = 'deployer-secret-2';
const PROMPT = 'triage';

let tl: TestTracelane;
let browser: Browser;
let page: Page;
let errors: string[];
/** Every URL the browser requested: no API key may appear in one. */
const urls: string[] = [];

async function asDeployer(method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(tl.apiUrl + path, {
    method,
    headers: { authorization: `Bearer ${DEPLOYER}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  expect(res.status, `${method} ${path}: ${JSON.stringify(json)}`).toBeLessThan(300);
  return json;
}

async function signIn(key: string): Promise<void> {
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

beforeAll(async () => {
  await ensureWebBuilt();
  tl = await startTestTracelane({ API_KEYS: `ann:viewer:${VIEWER},bob:deployer:${DEPLOYER}` });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  errors = watchErrors(page);
  page.on('request', (request) => urls.push(request.url()));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await tl?.close();
});

describe('signing in', () => {
  it('asks for a key, refuses a wrong one, and shows a viewer the empty install', async () => {
    await page.goto(tl.apiUrl + '/');
    await page.getByRole('heading', { name: 'Sign in to Tracelane' }).waitFor();
    await signIn('not-a-key');
    await page.getByRole('alert').getByText('unknown API key').waitFor();
    await screenshot(page, 'sign-in');
    await signIn(VIEWER);
    await page.getByRole('heading', { name: 'Send your first trace' }).waitFor();
    // The collector's real address (here loopback on a free port), not a guess from the UI's host name.
    expect(await page.getByText('/v1/traces').first().innerText()).toBe(`${tl.otlpUrl}/v1/traces`);
    await page.getByText('ann · viewer').waitFor();
    await page.getByText('Live', { exact: true }).waitFor(); // the event stream authenticated with ?token=
    await screenshot(page, 'first-trace');
  });

  it('offers no deploy actions to a viewer', async () => {
    await asDeployer('POST', '/api/v1/prompts', { name: PROMPT });
    for (const content of ['Sort the ticket.', 'Sort the ticket by urgency.']) {
      await asDeployer('POST', `/api/v1/prompts/${PROMPT}/versions`, {
        provider: 'anthropic',
        model: 'claude-haiku-4-5',
        messages: [{ role: 'system', content }],
      });
    }
    await page.goto(`${tl.apiUrl}/prompts/${PROMPT}/versions`);
    await page.getByRole('heading', { name: 'Versions' }).waitFor();
    expect(await page.getByRole('form', { name: 'Deploy a version' }).count()).toBe(0);
    await screenshot(page, 'versions-viewer');
  });

  it('lets a deployer deploy from the versions page, and shows other deployments live', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(DEPLOYER);
    const form = page.getByRole('form', { name: 'Deploy a version' });
    await form.waitFor();
    await form.getByLabel('Environment').selectOption('staging');
    await form.getByLabel('Reason').fill('ready for QA');
    await form.getByRole('button', { name: 'Deploy v2' }).click();
    await form.getByText('v2 is live in staging.').waitFor();
    await waitFor('staging to run v2', async () => {
      const res = await fetch(`${tl.apiUrl}/api/v1/prompts/${PROMPT}`, { headers: { 'x-api-key': VIEWER } });
      const body = (await res.json()) as { deployments: { environment: string; version: number }[] };
      return body.deployments.some((d) => d.environment === 'staging' && d.version === 2) ? true : undefined;
    });

    await page.goto(`${tl.apiUrl}/deployments`);
    await page.getByRole('cell', { name: 'ready for QA' }).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    await asDeployer('POST', '/api/v1/deployments', {
      prompt: PROMPT,
      environment: 'qa',
      version: 1,
      reason: 'deployed by CI while the page is open',
    });
    await page.getByRole('cell', { name: 'deployed by CI while the page is open' }).waitFor();
    await screenshot(page, 'deployments-live');
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    const streams = urls.filter((url) => url.includes('/api/v1/events?'));
    expect(streams.length).toBeGreaterThan(0);
    expect(streams.every((url) => /[?&]token=st_/.test(url))).toBe(true);
    expect(urls.filter((url) => url.includes(VIEWER) || url.includes(DEPLOYER) || url.includes('key='))).toEqual([]);
  });
});
