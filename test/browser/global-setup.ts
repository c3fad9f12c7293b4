import { hasBrowser } from './support/browser';
import { ensureWebBuild } from './support/web-build';

/**
 * Before the browser project: the tests load dist/web, so build it when it is missing or older
 * than web/ (a fresh checkout where `npm ci` ran `prepare` already has it). Without Chromium the
 * tests will not run, so nothing is built (REQUIRE_BROWSER=1 fails in the tests themselves).
 */
export default function globalSetup(): void {
  if (!hasBrowser()) return;
  ensureWebBuild();
}
