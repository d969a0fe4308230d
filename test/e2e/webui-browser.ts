/**
 * A real browser for the web UI's end-to-end tests: playwright-core driving
 * Debian's chromium (`/usr/bin/chromium`, from scripts/setup/chromium.sh),
 * headless, with no sandbox and no background networking (the machine's
 * network is closed; chromium's own calls home would only fail). Playwright
 * gives every launch a fresh, empty profile directory.
 *
 * When chromium is missing the tests skip — unless MESETA_REQUIRE_BROWSER=1,
 * in which case they run and fail on the missing browser (CI sets it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The browser binary (override with MESETA_CHROMIUM). */
export const CHROMIUM = process.env.MESETA_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep chromium quiet and self-contained on a closed network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** `{ skip: reason }` when chromium is missing and not required; `{}` otherwise (so a required browser fails loudly). */
export function browserTestOptions(): { skip?: string } {
  if (existsSync(CHROMIUM) || process.env.MESETA_REQUIRE_BROWSER === '1') return {};
  return { skip: `${CHROMIUM} is missing (run scripts/setup/chromium.sh)` };
}

/** Launches chromium; throws a clear error when it is missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with scripts/setup/chromium.sh (Debian package chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** Problems a page reported: console errors, uncaught exceptions, failed requests. */
export interface PageProblems {
  errors: string[];
}

/**
 * A new page at 1280×800 that records console errors, uncaught exceptions and
 * HTTP errors of its own requests, so a test can require there were none.
 */
export async function openPage(browser: Browser, width = 1280, height = 800): Promise<{ page: Page; problems: PageProblems }> {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  const problems: PageProblems = { errors: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.errors.push(`exception: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.errors.push(`HTTP ${response.status()} ${response.url()}`);
  });
  return { page, problems };
}

/** Saves a full-page screenshot as `<dir>/<name>.png` and returns its path. */
export async function screenshot(page: Page, dir: string, name: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
