import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentEvent } from '../../server/registry/deployment-event.js';
import type { DeploymentRequest } from '../../server/registry/request-queries.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { ensureWebBuilt, launchBrowser, screenshot, watchErrors } from './browser.js';

/**
 * Review before release in a real browser: a deployer's deploy to a protected environment waits in the Reviews
 * inbox with its evidence; the requester cannot approve it and is told why; another key approves it (the
 * deployment happens, recorded with the approver and the request) or rejects one with a reason.
 */
const KEYS = { ops: 'ops-secret-rv', alice: 'alice-secret-rv', bob: 'bob-secret-rv', view: 'view-secret-rv' };
const PROMPT = 'refund-policy';

let tl: TestTracelane;
let browser: Browser;
let page: Page;
let errors: string[];

async function as<T>(key: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(tl.apiUrl + path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  expect(res.status, `${method} ${path}: ${JSON.stringify(json)}`).toBeLessThan(300);
  return json;
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
    API_KEYS: `ops:admin:${KEYS.ops},alice:deployer:${KEYS.alice},bob:deployer:${KEYS.bob},view:viewer:${KEYS.view}`,
  });
  await as(KEYS.ops, 'POST', '/api/v1/prompts', { name: PROMPT });
  for (const text of ['Refund within 30 days.', 'Refund within 14 days.', 'Never refund.']) {
    await as(KEYS.ops, 'POST', `/api/v1/prompts/${PROMPT}/versions`, {
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      messages: [{ role: 'system', content: text }],
    });
  }
  await as(KEYS.ops, 'POST', '/api/v1/deployments', { prompt: PROMPT, environment: 'production', version: 1 });
  await as(KEYS.ops, 'POST', '/api/v1/deployments', { prompt: PROMPT, environment: 'staging', version: 2 });
  await as(KEYS.ops, 'PATCH', '/api/v1/environments/production', { protected: true });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  errors = watchErrors(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await tl?.close();
});

describe('the Reviews inbox', () => {
  let v2Request = '';

  it('turns a deployer’s deploy to a protected environment into a review the requester cannot approve', async () => {
    await page.goto(`${tl.apiUrl}/prompts/${PROMPT}/versions`);
    await signIn(KEYS.bob);
    const form = page.getByRole('form', { name: 'Deploy a version' });
    await form.getByLabel('Version').selectOption('2');
    await form.getByLabel('Environment').selectOption('production');
    await form.getByLabel('Reason').fill('shorter refund window');
    await form.getByRole('button', { name: 'Deploy v2' }).click();
    await form.getByText('v2 to production: review requested').waitFor();
    // Someone else starting (and dropping) a draft shows here live, without a reload.
    const draftPath = `/api/v1/prompts/${PROMPT}/drafts/alice`;
    await as(KEYS.alice, 'PUT', draftPath, { messages: [{ role: 'system', content: 'Refund within 7 days.' }] });
    await page.getByText('Being edited by alice.').waitFor();
    await fetch(tl.apiUrl + draftPath, { method: 'DELETE', headers: { authorization: `Bearer ${KEYS.alice}` } });
    await page.getByText('Being edited by alice.').waitFor({ state: 'detached' });
    const [request] = (
      await as<{ requests: DeploymentRequest[] }>(KEYS.view, 'GET', '/api/v1/deployments/requests?status=pending')
    ).requests;
    v2Request = request!.id;
    expect(request).toMatchObject({ version: 2, environment: 'production', requestedBy: 'bob' });

    await page.getByRole('link', { name: 'Reviews' }).click();
    const evidence = page.getByRole('region', { name: 'Evidence' });
    await evidence.getByRole('heading', { name: `${PROMPT} v2 → production` }).waitFor();
    await evidence.getByText('You asked for this deployment: another key must review it.').waitFor();
    expect(await evidence.getByRole('button', { name: 'Approve…' }).isDisabled()).toBe(true);
    await screenshot(page, 'reviews-own-request');
  });

  it('shows another key the evidence and deploys on approval, recorded with the approver and the request', async () => {
    await signIn(KEYS.alice);
    const evidence = page.getByRole('region', { name: 'Evidence' });
    await evidence.getByText('Requested by bob').waitFor();
    // The diff against what is live in production (v1), and v2's state one environment earlier (staging).
    await evidence.locator('.line.remove').getByText('Refund within 30 days.').waitFor();
    await evidence.locator('.line.add').getByText('Refund within 14 days.').waitFor();
    await evidence
      .getByText(/v2 in staging: not judged yet|v2 in staging \(so far\)|v2 in staging \(final\)/)
      .waitFor();
    await evidence.getByRole('region', { name: 'Live figures' }).getByText('production (v1)').waitFor();
    await screenshot(page, 'reviews-inbox');

    await evidence.getByRole('button', { name: 'Approve…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Approve v2 for production?' });
    await dialog.getByRole('textbox').fill('staging looks healthy');
    await screenshot(page, 'reviews-approve-dialog');
    await dialog.getByRole('button', { name: 'Approve and deploy v2' }).click();
    await page.getByText(`Approved: ${PROMPT} v2 is live in production.`).waitFor();

    const approved = await as<DeploymentRequest>(KEYS.view, 'GET', `/api/v1/deployments/requests/${v2Request}`);
    expect(approved).toMatchObject({ status: 'approved', reviewedBy: 'alice', reviewComment: 'staging looks healthy' });
    const trail = await as<{ deployments: DeploymentEvent[] }>(
      KEYS.view,
      'GET',
      `/api/v1/deployments?prompt=${PROMPT}&environment=production`,
    );
    expect(trail.deployments[0]).toMatchObject({
      id: approved.deploymentId,
      version: 2,
      previousVersion: 1,
      actor: 'alice',
      requestId: v2Request,
      reason: 'shorter refund window',
    });
    await page.goto(`${tl.apiUrl}/deployments?prompt=${PROMPT}`);
    await page.getByRole('cell', { name: 'shorter refund window' }).waitFor();
  });

  it('rejects another request with a reason, and offers a viewer no review actions', async () => {
    const request = await as<DeploymentRequest>(KEYS.bob, 'POST', '/api/v1/deployments', {
      prompt: PROMPT,
      environment: 'production',
      version: 3,
      reason: 'stop all refunds',
    });
    await page.goto(`${tl.apiUrl}/reviews`);
    const evidence = page.getByRole('region', { name: 'Evidence' });
    await evidence.getByRole('heading', { name: `${PROMPT} v3 → production` }).waitFor();
    await evidence.getByText('v3 was never deployed to staging.').waitFor();
    await evidence.getByRole('button', { name: 'Reject…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reject v3 for production?' });
    const confirm = dialog.getByRole('button', { name: 'Reject v3' });
    expect(await confirm.isDisabled()).toBe(true); // a reason is required
    await dialog.getByRole('textbox').fill('never tested in staging');
    await confirm.click();
    await page.getByText(`Rejected: ${PROMPT} v3 stays out of production.`).waitFor();
    const rejected = await as<DeploymentRequest>(KEYS.view, 'GET', `/api/v1/deployments/requests/${request.id}`);
    expect(rejected).toMatchObject({
      status: 'rejected',
      reviewedBy: 'alice',
      reviewComment: 'never tested in staging',
    });
    await page.getByText('Nothing waits for a review').waitFor();

    await signIn(KEYS.view);
    await page.getByRole('link', { name: 'Rejected' }).click();
    await page
      .getByRole('region', { name: 'Evidence' })
      .getByText('never tested in staging', { exact: false })
      .waitFor();
    expect(await page.getByRole('button', { name: /Approve|Reject/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    await screenshot(page, 'reviews-viewer');

    // A decided request keeps its evidence as of the decision: v2 is live now, the diff is still against v1.
    await page.getByRole('link', { name: 'Approved' }).click();
    const decided = page.getByRole('region', { name: 'Evidence' });
    await decided.getByRole('heading', { name: `${PROMPT} v2 → production` }).waitFor();
    await decided.getByText(/Evidence as of the decision, .*: what was live in production\s+then/).waitFor();
    await decided.getByRole('region', { name: 'Live figures' }).getByText('production (v1)').waitFor();
    await decided.locator('.line.remove').getByText('Refund within 30 days.').waitFor();
    await screenshot(page, 'reviews-decided');
    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  });
});
