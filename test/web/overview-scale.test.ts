import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentEvent, nanoTime } from '../analysis/span-factory.js';
import { startTestTracelane, type TestTracelane } from '../helpers/tracelane.js';
import { waitFor } from '../helpers/wait-for.js';
import { ensureWebBuilt, launchBrowser, screenshot, watchErrors } from './browser.js';

/**
 * The overview with 200 lanes (100 prompts in staging and production) in a real browser, counting what it asks the
 * API: a constant handful of requests to load, and during a burst of 200 live events (one per lane) a few coalesced
 * refreshes naming only the touched lanes — not one request per event or per lane.
 */
let tl: TestTracelane;
let browser: Browser;
let page: Page;
let errors: string[];
const PROMPTS = 100;
const ENVS = ['staging', 'production'];
const MIN = 60_000;
const NOW = Date.now();
const prompts = Array.from({ length: PROMPTS }, (_, i) => `scale-${String(i).padStart(3, '0')}`);
const deploymentIds = new Map<string, string>();
let apiRequests: URL[] = [];
let lastRequestAt = 0;

beforeAll(async () => {
  await ensureWebBuilt();
  tl = await startTestTracelane({ ANALYSIS_INTERVAL_MS: '3600000' });
  // The registry rows as the API writes them (set up in bulk; the overview reads them like any others).
  await tl.store.insert(
    'prompts',
    prompts.map((name, i) => ({
      name,
      description: '',
      tags: [i % 2 === 0 ? 'team:billing' : 'team:support'],
      created_at: nanoTime(NOW - 60 * MIN),
      created_by: 'test',
      updated_at: nanoTime(NOW - 60 * MIN),
    })),
  );
  const events = prompts.flatMap((prompt) =>
    ENVS.map((environment) => {
      const row = deploymentEvent({ time: NOW - 30 * MIN, environment, prompt, version: 1 });
      deploymentIds.set(`${environment}:${prompt}`, row.id as string);
      return row;
    }),
  );
  await tl.store.insert('deployment_events', events);
  // An hour of traffic for every lane, for the sparklines.
  await tl.store.exec(
    `INSERT INTO otel_traces (Timestamp, TraceId, SpanId, SpanName, ServiceName, Duration, Environment, PromptName,
       PromptVersion, Model, Operation, IsGeneration, Quality, IsError)
     SELECT fromUnixTimestamp64Milli(toInt64({now:Int64} - (number % 3600) * 1000)), hex(number), hex(number), 'chat', 'app',
       toUInt64(300e6 + (number % 7) * 50e6), ['staging', 'production'][number % 2 + 1],
       concat('scale-', leftPad(toString(intDiv(number, 2) % {prompts:UInt32}), 3, '0')), '1', 'gpt-4o-mini', 'chat', 1,
       0.7 + (number % 10) / 50, number % 50 = 0
     FROM numbers(40000)`,
    { now: NOW, prompts: PROMPTS },
  );
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  errors = watchErrors(page);
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith('/api/')) return;
    apiRequests.push(url);
    lastRequestAt = Date.now();
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await tl?.close();
});

/** Resolves once the page has made no API request for `quietMs`. */
const quiet = (quietMs: number) =>
  waitFor(`${quietMs} ms without API requests`, () => (Date.now() - lastRequestAt > quietMs ? true : undefined));

describe('the overview at 200 lanes', () => {
  it('loads with a constant handful of requests, as a table, health first', async () => {
    await page.goto(`${tl.apiUrl}/`);
    await page.getByRole('status').filter({ hasText: 'lanes shown' }).waitFor();
    await quiet(1500);
    const paths = apiRequests.map((u) => u.pathname).sort();
    expect(paths).toEqual([
      '/api/v1/alerts', // what is firing
      '/api/v1/events',
      '/api/v1/events/token',
      '/api/v1/me',
      '/api/v1/overview',
      '/api/v1/regressions',
    ]);
    expect(await page.getByRole('status').filter({ hasText: 'lanes shown' }).innerText()).toMatch(/100 of 200 lanes/);
    await screenshot(page, 'overview-200-lanes');
  });

  it('refreshes only the touched lanes during a burst of 200 events, in a few coalesced requests', async () => {
    // One lane's deployment starts failing; then one event for every lane arrives at once.
    const failing = `production:${prompts[42]}`;
    const id = deploymentIds.get(failing)!;
    const verdict = {
      deploymentId: id,
      verdict: 'fail',
      reason: 'critical regression: quality 0.80 → 0.60',
      final: false,
      evaluatedAt: new Date(NOW).toISOString(),
    };
    const report = {
      ...verdict,
      environment: 'production',
      prompt: prompts[42],
      kind: 'deploy',
      version: 1,
      previousVersion: null,
      deployedAt: new Date(NOW - 30 * MIN).toISOString(),
      worstMetric: null,
      metrics: [],
    };
    await tl.store.insert('deployment_analyses', [
      {
        deployment_id: id,
        evaluated_at: nanoTime(NOW),
        environment: 'production',
        prompt: prompts[42],
        version: 1,
        verdict: 'fail',
        final: 0,
        report: JSON.stringify(report),
        summary: JSON.stringify({
          ...verdict,
          lateData: false,
          decisive: true,
          worstMetric: null,
          collecting: null,
        }),
      },
    ]);
    apiRequests = [];
    for (const [lane, deploymentId] of deploymentIds) {
      const [environment, prompt] = lane.split(':');
      tl.bus.publish('analysis.updated', { deploymentId, prompt, environment, version: 1, verdict: 'pass' });
    }
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: prompts[42] }) });
    await row.filter({ hasText: 'failing' }).waitFor();
    await quiet(4000);
    const refreshes = apiRequests.filter((u) => u.pathname === '/api/v1/overview');
    expect(refreshes.length).toBeGreaterThanOrEqual(1);
    expect(apiRequests.length).toBeLessThanOrEqual(8);
    // Every refresh names lanes (never the whole board), and together they cover every touched lane once or twice.
    const lanes = refreshes.flatMap((u) => u.searchParams.getAll('lane'));
    expect(refreshes.every((u) => u.searchParams.getAll('lane').length > 0)).toBe(true);
    expect(new Set(lanes).size).toBe(200);
    // The failing lane is first in the table (health first).
    const firstRow = page.getByRole('table').locator('tbody tr').first();
    expect(await firstRow.innerText()).toContain(prompts[42]);
    await screenshot(page, 'overview-after-burst', false);
  });

  it('filters by name, environment, health and tag, kept in the URL', async () => {
    await page.getByLabel('Search prompts').fill('scale-04');
    await page.getByLabel('Search prompts').press('Enter');
    await page.getByRole('combobox', { name: /^Environment/ }).selectOption('production');
    await page.getByRole('status').filter({ hasText: '10 of 10 lanes shown' }).waitFor();
    await page.getByRole('combobox', { name: /^Tag/ }).selectOption('team:billing');
    await page.getByRole('status').filter({ hasText: '5 of 5 lanes shown' }).waitFor();
    const params = new URL(page.url()).searchParams;
    expect([params.get('q'), params.get('env'), params.get('tag')]).toEqual(['scale-04', 'production', 'team:billing']);
    await page.getByRole('combobox', { name: /^Health/ }).selectOption('fail');
    await page.getByRole('status').filter({ hasText: '1 of 1 lanes shown' }).waitFor();
    await page.getByRole('combobox', { name: /^Health/ }).selectOption('warn');
    await page.getByRole('status').filter({ hasText: 'No lane matches these filters' }).waitFor();
    await screenshot(page, 'overview-filtered');
    expect(errors).toEqual([]);
  });
});
