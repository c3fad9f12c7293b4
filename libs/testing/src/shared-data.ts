import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

/** One Reuters-21578 newswire article (1987), as read from the shared data's SGML files. */
export interface ReutersArticle {
  title: string;
  body: string;
  topics: string[];
}

/**
 * The Reuters-21578 articles under `labeled/reuters21578` (latin-1 SGML; character references
 * other than `&lt;` and `&amp;` become spaces). Research-only licence: internal test use.
 */
export function readReutersArticles(dir = sharedDataPath('labeled', 'reuters21578')): ReutersArticle[] {
  const articles: ReutersArticle[] = [];
  for (const file of readdirSync(dir).filter((n) => n.endsWith('.sgm'))) {
    const sgm = readFileSync(resolve(dir, file), 'latin1');
    for (const record of sgm.split('<REUTERS').slice(1)) {
      const title = /<TITLE>([\s\S]*?)<\/TITLE>/.exec(record)?.[1] ?? '';
      const body = (/<BODY>([\s\S]*?)<\/BODY>/.exec(record)?.[1] ?? '')
        .replace(/&#\d+;/g, ' ')
        .replace(/&lt;/g, '<')
        .replace(/&amp;/g, '&');
      const topics = [...(/<TOPICS>([\s\S]*?)<\/TOPICS>/.exec(record)?.[1] ?? '').matchAll(/<D>(.*?)<\/D>/g)].map(
        (m) => m[1],
      );
      articles.push({ title, body, topics });
    }
  }
  return articles;
}
