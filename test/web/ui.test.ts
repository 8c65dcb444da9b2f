import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { ensureWebBuilt, launchBrowser, screenshot, watchErrors } from './browser.js';
import { ENV, MIN, NOW, PROMPT, seedRegression, T1 } from './regression-scenario.js';
import { apiCall, waitFor, XSS_IMG, XSS_SCRIPT } from './seed.js';

/**
 * The web UI in a real browser against a real Tracelane seeded with one regression (`regression-scenario.ts`): spans
 * go through the collector with the OpenTelemetry exporter, deployments through the registry API, and the analysis
 * loop judges the deployment.
 */
let tl: TestTracelane;
let browser: Browser;
let page: Page;
let errors: string[];
let v2DeploymentId = '';
let hostileTraceId = '';

interface Lane {
  environment: string;
  version: number | null;
}

beforeAll(async () => {
  await ensureWebBuilt();
  tl = await startTestTracelane({ ANALYSIS_INTERVAL_MS: '1500' });
  ({ v2DeploymentId, hostileTraceId } = await seedRegression(tl));
  await waitFor('the regression to be detected', async () => {
    const { regressions } = await apiCall<{ regressions: { deploymentId: string }[] }>(
      tl.apiUrl,
      'GET',
      `/api/v1/regressions?status=open&environment=${ENV}`,
    );
    return regressions.some((r) => r.deploymentId === v2DeploymentId) ? true : undefined;
  });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  errors = watchErrors(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await tl?.close();
});

const url = (path: string) => tl.apiUrl + path;

describe('the web UI', () => {
  it('shows the open regression first on the overview, with its worst metric', async () => {
    await page.goto(url('/'));
    const regressions = page.getByRole('region', { name: /Open regressions/ });
    await regressions.getByText(PROMPT).waitFor();
    const text = await regressions.innerText();
    expect(text).toContain(ENV);
    expect(text).toMatch(/Latency p(50|95|99)|Error rate/);
    expect(text).toMatch(/→/);
    await page.getByRole('region', { name: 'staging' }).getByRole('link', { name: PROMPT }).waitFor();
    await page
      .getByRole('article', { name: `${PROMPT} in ${ENV}` })
      .getByText('failing')
      .waitFor();
    await screenshot(page, 'overview');
  });

  it('investigates the regression in a window around its deployment, with the panel open', async () => {
    await page
      .getByRole('region', { name: /Open regressions/ })
      .getByRole('link', { name: 'Investigate' })
      .click();
    await page.getByRole('complementary', { name: 'Deployment' }).getByRole('table').waitFor();
    const params = new URL(page.url()).searchParams;
    expect(params.get('deployment')).toBe(v2DeploymentId);
    // v2 went out 25 minutes ago: the view starts an hour before it (not the overview's 6 hours) and follows now.
    expect(Math.abs(Date.parse(params.get('since') ?? '') - (T1 - 60 * MIN))).toBeLessThan(1000);
    expect(params.get('to')).toBeNull();
    expect(await page.getByRole('combobox', { name: 'Time range' }).inputValue()).toBe('custom');
  });

  it('opens the deployment panel from the chart marker, with baseline against candidate per metric', async () => {
    await page.goto(url(`/prompts/${PROMPT}/environments/${ENV}?range=1h`));
    const flag = page.getByRole('button', { name: /Deployment v2 · external/ });
    await flag.click();
    const panel = page.getByRole('complementary', { name: 'Deployment' });
    await panel.getByRole('table').waitFor();
    const table = await panel.getByRole('table').innerText();
    expect(table).toContain('Latency p95');
    expect(table).toMatch(/fail/);
    expect(page.url()).toContain(`deployment=${v2DeploymentId}`);
    await screenshot(page, 'oncall-panel');
  });

  it('rolls back from the panel through a dialog naming version and environment, and draws the marker live', async () => {
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    await page.getByRole('button', { name: 'Roll back to v1' }).click();
    const dialog = page.getByRole('dialog', { name: `Roll back to v1 in ${ENV}?` });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain(`${PROMPT} in ${ENV} goes back to v1`);
    // Keyboard: focus is inside the dialog, the reason is typed, Tab reaches the confirm button.
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await dialog.getByRole('textbox').focus();
    await page.keyboard.type('p95 latency doubled after v2');
    await screenshot(page, 'rollback-dialog');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });

    await waitFor('production to run v1 again', async () => {
      const prompt = await apiCall<{ deployments: Lane[] }>(tl.apiUrl, 'GET', `/api/v1/prompts/${PROMPT}`);
      return prompt.deployments.find((d) => d.environment === ENV)?.version === 1 ? true : undefined;
    });
    await page.getByRole('button', { name: /Deployment v1 · rollback · local/ }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await screenshot(page, 'oncall-after-rollback');
    await page.getByLabel('Split by version').check();
    await page.getByText('Latency p95 by version (ms)').waitFor();
    expect(page.url()).toContain('split=version');
    await screenshot(page, 'oncall-by-version');
  });

  it('draws latency on a log scale on request, kept in the URL', async () => {
    await page.goto(url(`/prompts/${PROMPT}/environments/${ENV}?range=1h`));
    await page.getByRole('checkbox', { name: 'Log scale' }).check();
    await page.getByText(/Latency \(ms\) · log scale/).waitFor();
    expect(new URL(page.url()).searchParams.get('latency')).toBe('log');
    await page.reload();
    expect(await page.getByRole('checkbox', { name: 'Log scale' }).isChecked()).toBe(true);
    await screenshot(page, 'oncall-latency-log');
  });

  it('opens the traces behind a time range dragged on a chart, and a trace from there', async () => {
    await page.goto(url(`/prompts/${PROMPT}/environments/${ENV}?range=1h`));
    const canvas = page.locator('canvas').first();
    await canvas.waitFor();
    const box = (await canvas.boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.55, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.75, y, { steps: 8 });
    await page.mouse.up();
    await page.waitForURL(/\/traces\?/);
    const params = new URL(page.url()).searchParams;
    expect(params.get('prompt')).toBe(PROMPT);
    expect(Date.parse(params.get('to')!) - Date.parse(params.get('from')!)).toBeGreaterThan(5 * MIN);
    const firstTrace = page.getByRole('link', { name: 'POST /answer' }).first();
    await firstTrace.waitFor();
    await screenshot(page, 'traces');
    await firstTrace.click();
    await page.waitForURL(/\/traces\/[0-9a-f]{32}/);
    await page
      .getByRole('group', { name: 'Spans of the trace' })
      .getByRole('button', { name: /chat gpt-4o-mini/ })
      .waitFor();
    await page
      .getByRole('region', { name: /Span chat gpt-4o-mini/ })
      .getByText('gen_ai.prompt.version')
      .waitFor();
    await screenshot(page, 'trace');
    // Back and forward move between the views the URL describes.
    await page.goBack();
    await page.waitForURL(/\/traces\?/);
    await page.goBack();
    await page.waitForURL(/\/environments\/production\?range=1h$/);
    await page.getByRole('button', { name: /Deployment v2 · external/ }).waitFor();
    await page.goForward();
    await page.getByRole('link', { name: 'POST /answer' }).first().waitFor();
  });

  it('lists both versions with their numbers on the compare page', async () => {
    await page.goto(url(`/compare?prompt=${PROMPT}&environment=${ENV}&range=6h`));
    const table = page.locator('table.compare');
    await table.waitFor();
    const rows = await table.locator('tbody tr').allInnerTexts();
    const comparison = await apiCall<{ rows: { version: string; requests: number }[] }>(
      tl.apiUrl,
      'GET',
      `/api/v1/compare?prompt=${PROMPT}&environment=${ENV}&from=${new Date(NOW - 6 * 60 * MIN).toISOString()}`,
    );
    for (const version of ['1', '2']) {
      const expected = comparison.rows.find((r) => r.version === version)!;
      expect(expected.requests).toBeGreaterThan(2000);
      const row = rows.find((r) => r.startsWith(`v${version}`));
      expect(row, `row of v${version}`).toContain(expected.requests.toLocaleString('en-US'));
      expect(row).toMatch(/\d+ ms|\d\.\d\d s/);
    }
    const offline = await page.getByRole('region', { name: 'Offline evaluation by category' }).innerText();
    expect(offline).toMatch(/billing\s+4\/5\s+2\/5/);
    await screenshot(page, 'compare');
  });

  it('shows span names and attributes with script payloads as inert text', async () => {
    await page.goto(url(`/traces/${hostileTraceId}`));
    await page.getByRole('heading', { level: 1, name: XSS_IMG }).waitFor();
    await page
      .getByRole('group', { name: 'Spans of the trace' })
      .getByRole('button', { name: /chat gpt-4o-mini/ })
      .click();
    await page.getByText(XSS_SCRIPT).first().waitFor();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    await screenshot(page, 'xss-trace');
    await page.goto(url(`/traces?environment=development&range=1h`));
    await page.getByRole('link', { name: XSS_IMG }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await screenshot(page, 'xss-inert');
  });

  it('diffs two versions side by side and lists the deployment history', async () => {
    await page.goto(url(`/prompts/${PROMPT}/versions`));
    await page.getByText('Quote the help centre.').waitFor();
    expect(await page.locator('.line.remove').first().innerText()).toBe('Answer briefly and politely.');
    await screenshot(page, 'versions-diff');
    await page.goto(url(`/deployments?prompt=${PROMPT}`));
    await page.getByRole('cell', { name: 'p95 latency doubled after v2' }).waitFor();
    await screenshot(page, 'deployments');
  });

  it('stays readable in a narrow window', async () => {
    await page.setViewportSize({ width: 420, height: 800 });
    await page.goto(url(`/prompts/${PROMPT}/environments/${ENV}?range=1h&deployment=${v2DeploymentId}`));
    await page.getByRole('complementary', { name: 'Deployment' }).getByRole('table').waitFor();
    await screenshot(page, 'oncall-narrow');
    await page.goto(url('/'));
    await page.getByRole('region', { name: ENV }).waitFor();
    await screenshot(page, 'overview-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(errors).toEqual([]);
  });

  it('explains a trace id and a prompt that do not exist', async () => {
    await page.goto(url('/traces/0123456789abcdef0123456789abcdef'));
    await page.getByText('No trace with this id').waitFor();
    await page.goto(url('/prompts/nope/versions'));
    await page.getByText('No prompt named nope in the registry').waitFor();
    await page.goto(url(`/prompts/nope/environments/${ENV}`));
    await page.getByText('nope is not in the registry').waitFor();
    await screenshot(page, 'oncall-unknown-prompt');
  });
});
