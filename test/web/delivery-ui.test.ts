import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAbTests } from '../../server/ab-tests/ab-test-controller.js';
import type { AbTestView } from '../../server/ab-tests/ab-tests-router.js';
import { silentLogger } from '../../server/log.js';
import type { DeploymentEvent } from '../../server/registry/deployment-event.js';
import { generationSpan } from '../analysis/span-factory.js';
import { BASE_PROFILE, drawRequest, seededRandom } from '../analysis/traffic.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { insertTraffic, MIN, rampClock, SMALL_DETECTOR } from '../ramps/ramp-helpers.js';
import { client, enc, promptWithVersions, type Client } from '../registry/registry-client.js';
import { ensureWebBuilt, launchBrowser, screenshot, watchErrors } from './browser.js';

/**
 * Progressive delivery in a real browser: a ramp started from the deploy form (the environment's default strategy
 * preselected), watched as it advances on healthy traffic, paused, resumed and aborted from the on-call view with
 * reasons that land in the audit trail; an A/B test's result (winner, effect, interval) read on the lane's delivery
 * page and its winner shipped with one click.
 */
const KEY = 'ops-secret-delivery';
const ENV = 'ramped';
const STRATEGY = {
  steps: [
    { percent: 5, minutes: 10 },
    { percent: 25, minutes: 10 },
  ],
};
let tl: TestTracelane;
let ops: Client;
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  await ensureWebBuilt();
  tl = await startTestTracelane({ ANALYSIS_INTERVAL_MS: '3600000', API_KEYS: `ops:admin:${KEY}` });
  ops = client(tl.apiUrl, KEY);
  const env = await ops.post('/api/v1/environments', {
    name: ENV,
    policies: { autoRollback: true, detector: SMALL_DETECTOR, defaultStrategy: STRATEGY },
  });
  expect(env.status, JSON.stringify(env.body)).toBe(201);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  errors = watchErrors(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await tl?.close();
});

const rampCard = () => page.getByRole('region', { name: /^Ramp of v2/ }).first();

describe('progressive delivery in the UI', () => {
  it('starts a ramp from the deploy form, watches it advance, pauses, resumes and aborts it', async () => {
    const prompt = await promptWithVersions(ops, 2, 'ui-ramp');
    const live = await ops.post('/api/v1/deployments/external', {
      prompt,
      environment: ENV,
      version: 1,
      timestamp: Date.now() - 60 * MIN,
    });
    expect(live.status).toBe(201);

    await page.goto(`${tl.apiUrl}/prompts/${enc(prompt)}/versions`);
    await page.getByLabel('API key').fill(KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    errors.length = 0; // the 401 that asked for a key
    const form = page.getByRole('form', { name: 'Deploy a version' });
    await form.getByLabel('Version').selectOption('2');
    await form.getByLabel('Environment').selectOption(ENV);
    expect(await form.getByLabel('Ramp steps').inputValue()).toBe('5% 10m → 25% 10m → 100%');
    await form.getByLabel('Reason').fill('shorter answers');
    await form.getByRole('button', { name: 'Start ramp of v2' }).click();
    await form.getByText(`Ramp of v2 started in ${ENV} at 5% (step 1 of 2).`).waitFor();
    await form.getByRole('link', { name: `Watch it in ${ENV}` }).click();

    const card = rampCard();
    await card.getByRole('status', { name: 'Ramp status' }).getByText('running').waitFor();
    expect(await card.locator('[aria-current=step]').innerText()).toContain('5%');
    expect(await card.innerText()).toMatch(/Time left\s+(9|10) min/);
    await screenshot(page, 'ramp-step-1');

    // Healthy traffic through the first step; the analysis loop (compressed clock) advances the ramp.
    const ramps = await ops.get<{ ramps: { id: string; stepStartedAt: string }[] }>(
      `/api/v1/ramps?prompt=${enc(prompt)}&environment=${ENV}`,
    );
    const ramp = ramps.body.ramps[0]!;
    const start = Date.parse(ramp.stepStartedAt);
    await insertTraffic(tl, { prompt, environment: ENV }, [{ version: 2 }, { version: 1 }], start, 10, 400, 7);
    const [advanced] = (await rampClock(tl).tick(start + 10 * MIN + 1000)).filter((o) => o.ramp.id === ramp.id);
    expect(advanced?.decision.action, advanced?.decision.reason).toBe('advance');
    await card.locator('[aria-current=step]').getByText('25%').waitFor({ timeout: 30_000 });
    expect(await card.innerText()).toContain('25% of traffic on v2');

    await card.getByRole('button', { name: 'Pause' }).click();
    const pause = page.getByRole('dialog', { name: 'Pause the ramp?' });
    await pause.getByLabel('Reason (required)').fill('support team is off today');
    await pause.getByRole('button', { name: 'Pause' }).click();
    await card.getByRole('status', { name: 'Ramp status' }).getByText('paused').waitFor();
    expect(await card.innerText()).toContain('support team is off today');
    await screenshot(page, 'ramp-paused');

    await card.getByRole('button', { name: 'Resume' }).click();
    const resume = page.getByRole('dialog', { name: 'Resume the ramp?' });
    await resume.getByLabel('Reason (required)').fill('team is back');
    await resume.getByRole('button', { name: 'Resume' }).click();
    await card.getByRole('status', { name: 'Ramp status' }).getByText('running').waitFor();

    await card.getByRole('button', { name: 'Abort' }).click();
    const abort = page.getByRole('dialog', { name: 'Abort the ramp?' });
    await abort.getByLabel('Reason (required)').fill('changed our minds');
    await abort.getByRole('button', { name: 'Abort' }).click();
    await rampCard().waitFor({ state: 'detached' });

    const events = await ops.get<{ deployments: DeploymentEvent[] }>(
      `/api/v1/deployments?prompt=${enc(prompt)}&environment=${ENV}`,
    );
    expect(events.body.deployments.slice(0, 3).map((e) => [e.kind, e.actor, e.reason])).toEqual([
      ['canary_abort', 'ops', 'changed our minds'],
      ['ramp_resume', 'ops', 'team is back'],
      ['ramp_pause', 'ops', 'support team is off today'],
    ]);
    // The ramp's steps are flags on the charts, like every deployment (its later events are stamped by the
    // compressed clock after the chart's window; markers.test.ts covers how pauses and resumes are drawn).
    await page.getByRole('button', { name: /^Deployment v2 · ramp 5% \(step 1\/2\) · ops/ }).waitFor();
    await screenshot(page, 'ramp-aborted');
  });

  it('reads an A/B test result on the delivery page and ships the winner', async () => {
    const prompt = await promptWithVersions(ops, 2, 'ui-ab');
    await ops.post('/api/v1/deployments', { prompt, environment: 'staging', version: 1 });
    const started = await ops.post<AbTestView>('/api/v1/ab-tests', {
      prompt,
      environment: 'staging',
      name: 'shorter',
      versions: [1, 2],
      primaryMetric: 'quality',
      guardrails: ['error_rate', 'cost_per_request'],
      samplesPerVariant: 800,
      maxMinutes: 60,
      reason: 'do shorter answers help?',
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const random = seededRandom(3);
    const from = Date.parse(started.body.startedAt);
    const profiles = { 1: { ...BASE_PROFILE, quality: 0.8 }, 2: { ...BASE_PROFILE, quality: 0.85 } };
    const rows = Object.entries(profiles).flatMap(([version, profile]) =>
      Array.from({ length: 900 }, (_, i) => ({
        ...generationSpan({
          environment: 'staging',
          prompt,
          version,
          time: from + 1 + (i % 900),
          ...drawRequest(random, profile),
        }),
        SpanAttributes: { 'tracelane.prompt.arm': 'test:shorter' },
      })),
    );
    await tl.store.insert('otel_traces', rows);
    await runAbTests({ store: tl.store, bus: tl.bus, log: silentLogger }, Date.now() + 2000);

    await page.goto(`${tl.apiUrl}/prompts/${enc(prompt)}/environments/staging/delivery`);
    // A targeting rule, created in the form and saved as revision 1, decides resolve for its segment.
    await page.getByRole('button', { name: 'New rule' }).click();
    const rule = page.getByRole('form', { name: 'New rule' });
    await rule.getByLabel('Name').fill('internal-users');
    await rule.getByLabel('Version').selectOption('2');
    await rule.getByLabel('Condition 1 subject').fill('plan');
    await rule.getByLabel('Condition 1 operator').selectOption('in');
    await rule.getByLabel('Condition 1 value').fill('internal, staff');
    await rule.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('button', { name: 'Save rules…' }).click();
    const save = page.getByRole('dialog', { name: 'Save the targeting rules?' });
    await save.getByLabel('Reason (required)').fill('staff first');
    await save.getByRole('button', { name: 'Save revision 1' }).click();
    await page.getByText('Revision 1 by ops').waitFor();
    expect(await page.getByRole('table', { name: 'Rules' }).innerText()).toContain('plan is one of internal, staff');
    const staff = await ops.get<{ version: number; arm: string }>(
      `/api/v1/prompts/${enc(prompt)}/resolve?environment=staging&key=u1&attr.plan=staff`,
    );
    expect(staff.body).toMatchObject({ version: 2, arm: 'rule:internal-users' });

    const result = page.getByRole('status', { name: 'Result of shorter' });
    await result.getByText('winner', { exact: true }).waitFor();
    expect(await result.innerText()).toMatch(
      /v2 wins: quality \+0\.0\d+ \(95% CI \+0\.0\d+ to \+0\.0\d+\) over v1; guardrails hold/,
    );
    await screenshot(page, 'ab-test-result');

    await page.getByRole('button', { name: 'Ship winner v2' }).click();
    const ship = page.getByRole('dialog', { name: 'Ship v2 to staging?' });
    await ship.getByLabel('Reason (required)').fill('clear win');
    await ship.getByRole('button', { name: 'Ship winner' }).click();
    await page.getByRole('article', { name: 'A/B test shorter' }).getByText('shipped', { exact: true }).waitFor();
    const resolved = await ops.get<{ version: number }>(`/api/v1/prompts/${enc(prompt)}/resolve?environment=staging`);
    expect(resolved.body.version).toBe(2);
    expect(errors).toEqual([]);
  });
});
