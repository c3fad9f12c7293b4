import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogLevel, Type } from '@nestjs/common';
import { bootRadar, RunningRadar } from '@radar/runtime';
import { createTestEnv, FixtureHttpServer, freePort, TestEnv, TestSmtpServer } from '@radar/testing';
import { API_ROLES, type ApiRole } from '@radar/core';
import { ApiModule } from '../../apps/api/src/api.module';
import { ApiKeyService } from '../../apps/api/src/auth/api-keys.service';
import { ClassifierModule } from '../../apps/classifier/src/classifier.module';
import { CrawlerModule } from '../../apps/crawler/src/crawler.module';
import { NotifierModule } from '../../apps/notifier/src/notifier.module';

/** The four roles, as `npm start` runs them. */
export const ALL_ROLES: Type[] = [CrawlerModule, ClassifierModule, NotifierModule, ApiModule];

export interface FeedItem {
  guid: string;
  title: string;
  description: string;
}

/** An RSS 2.0 document for the loopback agency; `build` changes the body without changing items. */
export function rssFeed(
  items: FeedItem[],
  { build = 'Mon, 23 Nov 2026 10:00:00 GMT', pubDate = 'Mon, 23 Nov 2026 09:00:00 GMT' } = {},
): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Loopback Agency News</title><link>https://agency.example.gov/</link>
<description>fixture</description><lastBuildDate>${build}</lastBuildDate>
${items
  .map(
    (i) => `<item><guid>${i.guid}</guid><title>${i.title}</title><link>https://agency.example.gov/news/${i.guid}</link>
<description>${i.description}</description><pubDate>${pubDate}</pubDate></item>`,
  )
  .join('\n')}
</channel></rss>`;
}

export interface LoopbackSystem {
  env: TestEnv;
  /** Serves `/feed.xml`, the one source of the system. */
  feed: FixtureHttpServer;
  /** Present when asked for: SMTP_URL points at it. */
  smtp?: TestSmtpServer;
  radar: RunningRadar;
  /** Base URL of the API. */
  api: string;
  /** One API key per role, created at boot. */
  keys: Record<ApiRole, string>;
  /** Request headers carrying the key of `role`. */
  auth(role: ApiRole): { authorization: string };
  close(): Promise<void>;
}

/** Creates one API key per role in a booted system (for tests; `radar keys create` in production). */
export async function createRoleKeys(radar: RunningRadar): Promise<Record<ApiRole, string>> {
  const service = radar.app.get(ApiKeyService);
  const keys = {} as Record<ApiRole, string>;
  for (const role of API_ROLES) keys[role] = (await service.create(role, `test ${role}`)).key;
  return keys;
}

/**
 * The system booted in-process against real Redis (own prefix), a temp DATA_DIR, a loopback
 * feed crawled every second and, optionally, a real SMTP server.
 */
export async function startLoopbackSystem(options: {
  name: string;
  feedBody: string;
  smtp?: boolean;
  env?: Record<string, string>;
  roles?: Type[];
  /** Nest log levels (default errors only; false: none). */
  logLevels?: LogLevel[] | false;
}): Promise<LoopbackSystem> {
  const feed = await new FixtureHttpServer().start();
  feed.set('/feed.xml', { body: options.feedBody });
  const smtp = options.smtp ? await new TestSmtpServer().start() : undefined;
  const port = await freePort();
  const env = createTestEnv((dataDir) => {
    const sourcesFile = join(dataDir, 'sources.yaml');
    writeFileSync(
      sourcesFile,
      `sources:\n  - {id: loopback-agency, name: Loopback Agency News, kind: rss, url: "${feed.url}/feed.xml", ` +
        `intervalSeconds: 1, minIntervalSeconds: 1, maxIntervalSeconds: 1, allowPrivateNetwork: true}\n`,
    );
    return {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      CRAWL_TICK_SECONDS: '1',
      SOURCES_FILE: sourcesFile,
      ...(smtp ? { SMTP_URL: smtp.url } : {}),
      ...options.env,
    };
  });
  const radar = await bootRadar({
    name: options.name,
    roles: options.roles ?? ALL_ROLES,
    http: true,
    config: env.config,
    logLevels: options.logLevels ?? ['error'],
  });
  // Keys need the API role; a system without it (notifier-only, say) has none.
  const keys = (options.roles ?? ALL_ROLES).includes(ApiModule)
    ? await createRoleKeys(radar)
    : ({} as Record<ApiRole, string>);
  return {
    env,
    feed,
    smtp,
    radar,
    api: radar.url!,
    keys,
    auth: (role) => ({ authorization: `Bearer ${keys[role]}` }),
    async close() {
      await radar.close();
      await env.cleanup();
      await feed.stop();
      await smtp?.stop();
    },
  };
}
