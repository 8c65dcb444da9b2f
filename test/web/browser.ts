import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';

/**
 * The browser side of the UI tests: Debian's Chromium driven by playwright-core (never a downloaded browser),
 * screenshots under test-artifacts/, and the built UI (built here when `npm test` has not built it yet).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS = `${ROOT}test-artifacts`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function ensureWebBuilt(): Promise<void> {
  if (existsSync(`${ROOT}web/dist/index.html`)) return;
  await build({ configFile: `${ROOT}web/vite.config.ts`, logLevel: 'warn' });
}

export function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

/** Collects uncaught page errors and console errors, so a test can assert the UI ran cleanly. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/** Saves a screenshot of the whole page (or of the viewport only: what a user sees without scrolling). */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage });
}
