import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { classify } from '@radar/classify';
import { RadarConfig } from '@radar/config';
import { describeFeed, decodeFeed, pageText, parseSourceBody, SourceParseError } from '@radar/crawl';
import { apiKeyHeadersFor, parseSources, Source, SourceRegistry } from '@radar/sources';
import { HttpFetcher } from '../../crawler/src/http-fetcher.adapter';

/**
 * `radar parse-feed FILE`: parses a local RSS/Atom/RDF/JSON Feed file and prints
 * `{feed: {title, link}, items: [{title, link, guid, publishedAt, summary}]}`; input that is not a
 * feed exits 2 with one error line.
 */
export async function parseFeedCommand(file: string, output: Writable, errors: Writable): Promise<number> {
  let body: Buffer;
  try {
    body = readFileSync(file);
  } catch (error) {
    errors.write(`radar parse-feed: cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    output.write(`${JSON.stringify(await describeFeed(body), null, 2)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof SourceParseError)) throw error;
    errors.write(`radar parse-feed: ${file} is not a feed: ${error.message}\n`);
    return 2;
  }
}

export interface CrawlOnceOptions {
  sourceId?: string;
  url?: string;
  kind?: string;
  /** With --url: let it reach private and loopback addresses (off: the SSRF guard refuses them). */
  allowPrivateNetwork?: boolean;
}

/**
 * `radar crawl-once --source ID` (a configured source) or `--url URL --kind KIND`: fetches and
 * parses once, with the crawler's own fetcher (politeness and safety included, so Redis at
 * REDIS_URL coordinates the per-host gate), and prints each document, classified, as a JSON line.
 * Nothing is stored or enqueued.
 */
export async function crawlOnceCommand(
  options: CrawlOnceOptions,
  config: RadarConfig,
  output: Writable,
): Promise<number> {
  const source: Source = options.sourceId
    ? (new SourceRegistry(config).get(options.sourceId) ??
      fail(`no source "${options.sourceId}" in ${config.sourcesFile ?? 'the built-in catalogue'}`))
    : parseSources(
        [
          {
            id: 'cli',
            name: options.url,
            kind: options.kind ?? 'rss',
            url: options.url,
            intervalSeconds: 3600,
            allowPrivateNetwork: options.allowPrivateNetwork ?? false,
          },
        ],
        '--url/--kind',
      )[0];
  const fetcher = new HttpFetcher(config);
  try {
    const now = new Date();
    const page = await fetcher.get({
      url: source.url,
      purpose: source.kind === 'page-watch' || source.kind === 'html-list' ? 'html' : 'feed',
      allowPrivateNetwork: source.allowPrivateNetwork,
      sourceId: source.id,
      headers: apiKeyHeadersFor(config, source),
    });
    if (page.status !== 'ok') throw new Error(`unexpected ${page.status}`);
    const items =
      source.kind === 'page-watch'
        ? [
            {
              sourceId: source.id,
              guid: source.url,
              url: source.url,
              title: source.name,
              summary: '',
              body: pageText(decodeFeed(page.body, page.contentType), source.pageWatch).join('\n'),
              fetchedAt: now.toISOString(),
            },
          ]
        : (await parseSourceBody(page.body, { source, url: page.finalUrl, contentType: page.contentType, now })).items;
    for (const item of items) {
      const c = classify({
        title: item.title,
        summary: item.summary,
        body: item.body,
        url: item.url,
        sourceId: item.sourceId,
      });
      output.write(`${JSON.stringify({ ...item, ...c, docType: item.docTypeHint ?? c.docType })}\n`);
    }
    return 0;
  } finally {
    await fetcher.close();
  }
}

function fail(message: string): never {
  throw new Error(message);
}
