import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Browser tests drive Debian's Chromium (apt-get install -y chromium) through playwright-core;
 * nothing downloads a browser. Where it is missing the tests say plainly that they were NOT RUN,
 * except under REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Screenshots the tests save (gitignored). */
export const ARTIFACTS_DIR = resolve(__dirname, '../../../test-artifacts');

/** Flags that keep Debian's Chromium quiet and headless in a container (see STACK.md). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function hasBrowser(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Called when the browser is missing: throws under REQUIRE_BROWSER=1, else false (the caller skips). */
export function browserRequired(): boolean {
  if (hasBrowser()) return true;
  if (process.env.REQUIRE_BROWSER === '1') {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH} (REQUIRE_BROWSER=1): apt-get install -y chromium, or set CHROMIUM_PATH`,
    );
  }
  return false;
}

let warned = false;

/** `describe` when Chromium is present; otherwise a clearly labelled NOT RUN block. */
export function describeWithBrowser(name: string, fn: () => void): void {
  if (browserRequired()) {
    describe(name, fn);
    return;
  }
  if (!warned) {
    warned = true;
    process.stderr.write(
      `NOT RUN: browser tests; no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)\n`,
    );
  }
  describe.skip(`${name} [NOT RUN: no Chromium at ${CHROMIUM_PATH}]`, fn);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * A fresh browser context on the app. With `apiKey` the key is in localStorage (`radar.apiKey`)
 * before any page script runs, as if the user had signed in: one line per test once keys exist.
 */
export async function newAppContext(browser: Browser, { apiKey }: { apiKey?: string } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  context.setDefaultTimeout(30_000);
  if (apiKey) {
    await context.addInitScript((key: string) => window.localStorage.setItem('radar.apiKey', key), apiKey);
  }
  return context;
}

/** Saves a full-page screenshot to test-artifacts/NAME.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
