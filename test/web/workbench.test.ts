import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Draft } from '../../server/drafts/draft-events.js';
import type { PromptComparison } from '../../server/workbench/compare-sides.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { ensureWebBuilt, launchBrowser, screenshot, watchErrors } from './browser.js';
import { apiCall, Sender, waitFor } from './seed.js';

/**
 * The prompt workbench in a real browser against a real Tracelane: create a prompt, write a draft with variables
 * (saved as you type), see the render preview, refuse bad input without saving it, save versions 1 and 2 with
 * commit messages, deploy, and compare a new draft with production beside production's live figures.
 */
const PROMPT = 'support-triage';
const MIN = 60_000;

let tl: TestTracelane;
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  await ensureWebBuilt();
  tl = await startTestTracelane();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  errors = watchErrors(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await tl?.close();
});

const url = (path: string) => tl.apiUrl + path;
const draft = () => apiCall<Draft>(tl.apiUrl, 'GET', `/api/v1/prompts/${PROMPT}/drafts/local`);
const message = (n: number) => page.getByRole('textbox', { name: new RegExp(`^Message ${n} \\(`) });
const saved = () => page.locator('.status.saved').waitFor();

describe('the prompt workbench', () => {
  it('creates a prompt and writes a draft with variables, saved as you type, with a render preview', async () => {
    await page.goto(url('/prompts'));
    await page.getByText('No prompts in the registry yet').waitFor();
    await page.getByRole('button', { name: 'New prompt' }).click();
    const dialog = page.getByRole('dialog', { name: 'New prompt' });
    await dialog.getByLabel('Name').fill(PROMPT);
    await dialog.getByLabel('Description').fill('Routes support tickets to a team');
    await dialog.getByRole('button', { name: 'Create and edit' }).click();
    await page.waitForURL(/\/prompts\/support-triage\/draft$/);

    await page.getByLabel('Provider').fill('openai');
    await page.getByRole('textbox', { name: 'Model', exact: true }).fill('gpt-4o-mini');
    await message(1).fill('You route tickets for {{company}}. Answer with one team name.');
    await message(2).fill('{{ticket}}');
    await page.getByText('Placeholders without a declared variable: company, ticket').waitFor();
    await page.getByRole('button', { name: 'Declare company' }).click();
    await page.getByRole('button', { name: 'Declare ticket' }).click();
    await page.getByLabel('Variable 1 default').fill('Acme');
    await page.getByLabel('Variable 2 description').fill('The ticket text');
    await page.getByText('Every placeholder has a variable').waitFor();
    await saved();
    await page.getByLabel('Value of ticket').fill('I was charged twice');
    const rendered = page.getByRole('list', { name: 'Rendered messages' });
    await rendered.getByText('I was charged twice').waitFor();
    expect(await rendered.innerText()).toContain('You route tickets for Acme. Answer with one team name.');
    expect(await page.locator('mark').count()).toBe(2); // both placeholders highlighted

    // Saved on the server: a reload shows the same draft, and others see it being edited.
    await page.reload();
    expect(await message(1).inputValue()).toContain('{{company}}');
    const stored = await draft();
    expect(stored.variables).toEqual([
      { name: 'company', default: 'Acme' },
      { name: 'ticket', description: 'The ticket text' },
    ]);
    await screenshot(page, 'workbench-editor');
  });

  it('refuses invalid tools JSON, a duplicate variable and an oversized message, saving none of them', async () => {
    const before = (await draft()).revision;
    const tools = page.getByRole('textbox', { name: /^Tools JSON/ });
    await tools.fill('[\n  {"name": "lookup_order"}\n  {"name": "refund"}\n]');
    await page.getByText("Invalid JSON at line 3, column 3: expected ',' or ']'", { exact: true }).waitFor();
    await page.locator('.status.problem').getByText('Not saved').waitFor();
    await page.getByRole('button', { name: 'Save as version' }).click();
    await page.getByText(/^Nothing saved: Tools: invalid JSON at line 3/).waitFor();
    await screenshot(page, 'workbench-invalid-json');
    await tools.fill('');

    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByLabel('Variable 3 name').fill('ticket');
    await page.getByText('"ticket" is declared twice').first().waitFor();
    await page.getByRole('button', { name: 'Remove variable 3' }).click();
    await saved();

    await message(2).fill('x'.repeat(500_001));
    await page.getByText(/Not saved: Message 2: messages\.1\.content: must be at most 500,000 characters/).waitFor();
    await message(2).fill('{{ticket}}');
    await saved();
    const after = await draft();
    expect(after.tools).toEqual([]);
    expect(after.variables.map((v) => v.name)).toEqual(['company', 'ticket']);
    expect(after.messages[1]?.content).toBe('{{ticket}}');
    expect(after.revision).toBeGreaterThan(before);
    const versions = await apiCall<{ versions: unknown[] }>(tl.apiUrl, 'GET', `/api/v1/prompts/${PROMPT}/versions`);
    expect(versions.versions).toEqual([]);
  });

  it('saves version 1 and 2 with commit messages, listed with author and time', async () => {
    await page.getByLabel('Commit message').fill('first routing prompt');
    await page.getByRole('button', { name: 'Save as version' }).click();
    await page.waitForURL(/\/versions\?/);
    await page.getByText('v1 saved.').waitFor();

    // Deploy v1 to production from the versions page, the way a release owner does.
    const deploy = page.getByRole('form', { name: 'Deploy a version' });
    await deploy.getByLabel('Environment').selectOption('production');
    await deploy.getByRole('button', { name: 'Deploy v1' }).click();
    await deploy.getByText('v1 is live in production.').waitFor();

    await page.getByRole('link', { name: 'Edit a draft' }).click();
    await message(1).fill('You route tickets for {{company}}. Answer with one team name, nothing else.');
    await page.getByLabel('Commit message').fill('no chatter');
    await saved();
    await page.getByRole('button', { name: 'Save as version' }).click();
    await page.getByText('v2 saved.').waitFor();
    await page.locator('table tbody tr').filter({ hasText: 'no chatter' }).waitFor(); // the list loads after the notice
    const rows = await page.locator('table tbody tr').allInnerTexts();
    expect(rows[0]).toMatch(/v2[\s\S]*no chatter[\s\S]*local/);
    expect(rows[1]).toMatch(/v1[\s\S]*first routing prompt[\s\S]*local[\s\S]*production/);
    await screenshot(page, 'workbench-versions');
  });

  it('compares a draft with production: the diff beside production’s live figures', async () => {
    const sender = new Sender(tl.otlpUrl);
    const now = Date.now();
    sender.traffic({
      prompt: PROMPT,
      version: '1',
      environment: 'production',
      from: now - 30 * MIN,
      to: now,
      perMinute: 2,
      seed: 3,
    });
    await sender.flush();
    await sender.shutdown();
    await waitFor('production’s figures', async () => {
      const c = await apiCall<PromptComparison>(
        tl.apiUrl,
        'GET',
        `/api/v1/prompts/${PROMPT}/compare?from=production&to=1`,
      );
      return (c.from.live?.requests ?? 0) >= 60 ? true : undefined;
    });

    await page.getByRole('link', { name: 'Edit a draft' }).click();
    await message(1).fill('You route tickets for {{company}}. Billing questions about usage go to api-platform.');
    await saved();
    await page.getByRole('link', { name: 'Compare with production' }).click();
    await page.waitForURL(/\/compare\?from=production&to=draft%3Alocal/);
    const figures = page.getByRole('region', { name: 'Live figures' });
    await figures.getByText('production (v1)').waitFor();
    const table = await figures.innerText();
    expect(table).toMatch(/Requests\s+60\s+—/);
    expect(table).toContain('a draft has no traffic');
    expect(table).toMatch(/Latency p95\s+\d/);
    await page
      .locator('.line.add')
      .getByText('Billing questions about usage go to api-platform.', { exact: false })
      .waitFor();
    await screenshot(page, 'workbench-compare');
    await page.getByRole('button', { name: 'v1 vs v2' }).click();
    await page.getByRole('region', { name: 'Changes' }).getByText('nothing else.', { exact: false }).first().waitFor();
    // With many prompts the list pages, searches by name and shows who edits a draft.
    const names = Array.from({ length: 70 }, (_, i) => `team-${String(i).padStart(2, '0')}/assistant`);
    for (let i = 0; i < names.length; i += 10) {
      await Promise.all(names.slice(i, i + 10).map((name) => apiCall(tl.apiUrl, 'POST', '/api/v1/prompts', { name })));
    }
    await page.goto(url('/prompts'));
    await page.getByText('71 prompts, showing 1–50').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('71 prompts, showing 51–71').waitFor();
    await page.getByRole('searchbox', { name: 'Search prompts by name' }).fill('triage');
    await page.getByText('1 prompt', { exact: true }).waitFor();
    expect(await page.getByRole('row').filter({ hasText: PROMPT }).innerText()).toContain('✎ local');
    await page.getByRole('searchbox', { name: 'Search prompts by name' }).fill('');
    await page.getByText('71 prompts, showing 1–50').waitFor();
    await screenshot(page, 'workbench-prompts');
  });

  it('saves the draft as v3 and deploys it to the primary environment (production) in one action', async () => {
    await page.goto(url(`/prompts/${PROMPT}/draft`));
    await page.getByLabel('Commit message').fill('billing usage to api-platform');
    await saved();
    await screenshot(page, 'workbench-draft');
    await page.getByRole('button', { name: 'Save and deploy to production' }).click();
    await page.getByText('v3 saved and live in production.').waitFor();
    const trail = await apiCall<{ deployments: { version: number; kind: string }[] }>(
      tl.apiUrl,
      'GET',
      `/api/v1/deployments?prompt=${PROMPT}&environment=production`,
    );
    expect(trail.deployments[0]).toMatchObject({ version: 3, kind: 'deploy' });
    // 400s and 404s the test provoked (a preview with a missing value, a draft not yet saved) are expected answers.
    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  });
});
