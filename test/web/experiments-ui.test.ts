import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeProvider } from '../fixtures/fake-model-servers.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { setUpScenario, triageModel, type Scenario } from '../experiments/triage-scenario.js';
import { ensureWebBuilt, launchBrowser, screenshot, watchErrors } from './browser.js';

/**
 * The evaluation pages in a real browser: run an experiment from the UI, watch its progress, read the
 * per-category table; import a CSV with bad lines into a dataset; the model connections page.
 */
let tl: TestTracelane;
let fake: FakeProvider;
let browser: Browser;
let page: Page;
let errors: string[];
let s: Scenario & { connection: string };

beforeAll(async () => {
  await ensureWebBuilt();
  fake = await startFakeOpenAI();
  fake.answer = triageModel;
  tl = await startTestTracelane({ OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1' }); // the fake provider listens on loopback;
  s = await setUpScenario(tl.apiUrl, fake, undefined, undefined, { name: 'fake-openai', maxConcurrency: 2 });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  errors = watchErrors(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await tl?.close();
  await fake?.close();
});

describe('experiments in the UI', () => {
  it('starts a run of v2 against v1, shows its progress live, then the per-category table', async () => {
    fake.delayMs = 150; // slow enough to watch
    await page.goto(`${tl.apiUrl}/experiments`);
    const form = page.getByRole('form', { name: 'Run an experiment' });
    await form.getByLabel('Prompt').selectOption(s.prompt);
    await form.getByLabel('Version').selectOption('2');
    await form.getByLabel('Baseline').selectOption('1');
    await form.getByLabel('Dataset').selectOption(s.dataset);
    await form.getByLabel('Connection').selectOption('fake-openai');
    await form.getByLabel(s.evaluator).check();
    await screenshot(page, 'experiments-start');
    await form.getByRole('button', { name: 'Start run' }).click();

    await page.waitForURL(/\/experiments\/run_/);
    const bar = page.getByRole('progressbar', { name: 'Items done' });
    await bar.waitFor();
    await page.waitForFunction(() => {
      const now = Number(document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow'));
      return now > 0 && now < 20;
    });
    await screenshot(page, 'experiment-running');
    fake.delayMs = 0;

    const billing = page
      .getByRole('table', { name: `${s.evaluator} by category` })
      .getByRole('row', { name: /billing/ });
    await page.getByText('No category regressed.').waitFor({ timeout: 60_000 });
    expect(await bar.getAttribute('aria-valuenow')).toBe('20');
    const cells = await billing.getByRole('cell').allInnerTexts();
    expect(cells.slice(0, 3)).toEqual(['billing', '4/5', '2/5']);
    expect(cells[6]).toContain('not enough items');
    const auth = await page.getByRole('row', { name: /^auth/ }).getByRole('cell').allInnerTexts();
    expect(auth.slice(0, 3)).toEqual(['auth', '5/5', '5/5']);
    expect(await page.getByRole('table', { name: 'Item results' }).getByRole('row').count()).toBe(21);
    await screenshot(page, 'experiment-done');

    await page.getByLabel('Only failing items').check();
    expect(await page.getByRole('table', { name: 'Item results' }).getByRole('row').count()).toBe(4);
    await page
      .getByRole('table', { name: 'Item results' })
      .getByRole('link', { name: 'trace', exact: true })
      .first()
      .click();
    await page.waitForURL(/\/traces\/[0-9a-f]{32}/);
    await page
      .waitForFunction(() => document.querySelector('main')?.textContent?.includes('experiment item'), undefined, {
        timeout: 30_000,
      })
      .catch(() => undefined);
    expect(await page.locator('main').innerText()).toContain('chat gpt-4o-mini');
    // the item's generation span carries its variables: it can become a dataset item again
    const add = page.getByRole('form', { name: 'Add to a dataset' });
    await add.getByLabel('Category').fill('from-trace');
    await add.getByRole('button', { name: 'Add item' }).click();
    await add.getByText(`Added to ${s.dataset}.`).waitFor();
    await screenshot(page, 'experiment-item-trace');
  });

  it('previews a CSV import with its rejected lines, then imports the good ones', async () => {
    await page.goto(`${tl.apiUrl}/datasets/${s.dataset}`);
    await page.getByRole('table', { name: 'Items' }).waitFor();
    const csv = [
      'ticket,category,expected',
      'Refund my card,billing,"{""team"":""billing""}"',
      'broken,row',
      'SSO again,auth,auth',
      'x,y,z,extra',
    ].join('\n');
    await page.getByLabel('Import text').fill(csv);
    await page.getByRole('button', { name: 'Preview' }).click();
    const rejected = page.getByRole('table', { name: 'Rejected lines' });
    await rejected.waitFor();
    expect(await rejected.getByRole('row').count()).toBe(3);
    expect(await page.getByRole('status').first().innerText()).toContain('2 items read, 2 lines rejected');
    await screenshot(page, 'dataset-import-preview');
    await page.getByRole('button', { name: 'Import 2 items' }).click();
    await page.getByText('Imported 2 items as version 3; 2 lines rejected.').waitFor();
    await page
      .getByRole('cell', { name: 'SSO again' })
      .first()
      .waitFor()
      .catch(() => undefined);
    expect(await page.getByRole('table', { name: 'Items' }).getByRole('row').count()).toBe(24);
    await screenshot(page, 'dataset-items');
  });

  it('lists datasets and the model connections without secrets', async () => {
    await page.goto(`${tl.apiUrl}/datasets`);
    await page.getByRole('link', { name: s.dataset }).waitFor();
    await screenshot(page, 'datasets');
    await page.goto(`${tl.apiUrl}/settings/connections`);
    const row = page.getByRole('table', { name: 'Model connections' }).getByRole('row', { name: /fake-openai/ });
    await row.waitFor();
    await row.getByRole('button', { name: 'Test' }).click();
    await page.getByText(/ok in \d+ ms/).waitFor();
    await screenshot(page, 'connections');
    expect(errors).toEqual([]);
  });
});
