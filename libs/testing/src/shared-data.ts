import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Real-world test material lives outside the repository (internal test use only, never copied
 * in). Tests find it through SHARED_DATA_DIR (default ../shared/data). A user's clone may not
 * have it: those tests then say plainly that they were not run. CI sets REQUIRE_SHARED_DATA=1,
 * which turns a missing directory into a failure instead.
 */
export const SHARED_DATA_DIR = resolve(process.env.SHARED_DATA_DIR ?? resolve(__dirname, '../../../../shared/data'));

export function hasSharedData(): boolean {
  return existsSync(SHARED_DATA_DIR);
}

export function sharedDataPath(...parts: string[]): string {
  return resolve(SHARED_DATA_DIR, ...parts);
}

let warned = false;

/** `describe` when the shared data is present; otherwise a clearly labelled NOT RUN block. */
export function describeWithSharedData(name: string, fn: () => void): void {
  if (hasSharedData()) {
    describe(name, fn);
    return;
  }
  if (process.env.REQUIRE_SHARED_DATA === '1') {
    throw new Error(`Shared test data not found at ${SHARED_DATA_DIR} (REQUIRE_SHARED_DATA=1)`);
  }
  if (!warned) {
    warned = true;
    process.stderr.write(
      `NOT RUN: tests that need real-world data; none at ${SHARED_DATA_DIR} (set SHARED_DATA_DIR)\n`,
    );
  }
  describe.skip(`${name} [NOT RUN: no shared data at ${SHARED_DATA_DIR}]`, fn);
}
