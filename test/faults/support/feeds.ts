import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { stringify } from 'yaml';

export interface FeedItem {
  guid: string;
  title: string;
  description: string;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An RSS 2.0 document. */
export function rss(title: string, items: readonly FeedItem[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>${escapeXml(title)}</title><link>https://agency.example.gov/</link>
<description>fault suite fixture</description>
${items
  .map(
    (i) =>
      `<item><guid>${escapeXml(i.guid)}</guid><title>${escapeXml(i.title)}</title>` +
      `<link>https://agency.example.gov/news/${encodeURIComponent(i.guid)}</link>` +
      `<description>${escapeXml(i.description)}</description><pubDate>Mon, 23 Nov 2026 09:00:00 GMT</pubDate></item>`,
  )
  .join('\n')}
</channel></rss>`;
}

/** Policy actions in four sub-sectors: each is an alert (a policy action in a sub-sector). */
const POLICY: ((n: string) => [string, string])[] = [
  (n) => [
    `Commerce tightens export controls on advanced semiconductors, notice ${n}`,
    `The Bureau of Industry and Security published a final rule in the Federal Register that expands export controls on advanced semiconductor manufacturing equipment, notice ${n}. The rule takes effect on January 15, 2027.`,
  ],
  (n) => [
    `NRC final rule ${n} streamlines licensing of advanced nuclear reactors`,
    `The Nuclear Regulatory Commission published final rule ${n} in the Federal Register that modernizes the licensing framework for advanced nuclear reactors and small modular reactors.`,
  ],
  (n) => [
    `DOE opens funding opportunity ${n} for critical minerals processing`,
    `The Department of Energy issued a notice of funding opportunity ${n} for domestic processing of critical minerals such as lithium, cobalt and rare earth elements. Applications are due March 1, 2027.`,
  ],
  (n) => [
    `Navy proposed rule ${n} on shipbuilding industrial base`,
    `The Department of the Navy issued a proposed rule ${n} to expand the shipbuilding industrial base and modernize naval shipyards. Comments are due February 1, 2027.`,
  ],
];

/** Local news: indexed, never an alert. */
const NOISE: ((n: string) => [string, string])[] = [
  (n) => [
    `County fair ${n} announces new livestock pavilion`,
    `Organizers of county fair ${n} said the new pavilion will host livestock shows, a farmers market and weekend concerts for families.`,
  ],
  (n) => [
    `Library ${n} extends weekend hours`,
    `The public library ${n} will stay open later on Saturdays and Sundays and adds a reading club for teenagers.`,
  ],
  (n) => [
    `Town bakery ${n} celebrates fifty years of sourdough`,
    `A family bakery on Main Street, number ${n}, marked its anniversary with free bread, music and a street party.`,
  ],
];

/**
 * Item `n` of source `source`: every `policyEvery`-th item is a policy action (an alert), the
 * others local news. Titles and texts are unique, so no two items are the same document.
 */
export function corpusItem(source: string, n: number, policyEvery = 5): FeedItem {
  const tag = `${source}-${n}`;
  const [title, text] =
    n % policyEvery === 0 ? POLICY[(n / policyEvery) % POLICY.length]!(tag) : NOISE[n % NOISE.length]!(tag);
  return { guid: `${source}-item-${n}`, title, description: `${text} Reference ${tag}.` };
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Loopback HTTP servers serving feeds by path. It can listen on several loopback addresses
 * (127.0.0.x): the crawler's politeness gate is per host, so sources meant to be independent get
 * hosts of their own, as different agencies have. Feeds grow with `publish`; a path can also be
 * given any behaviour (`route`).
 */
export class FeedServer {
  private readonly servers: Server[] = [];
  private readonly bases = new Map<string, string>();
  private readonly feeds = new Map<string, { title: string; items: FeedItem[] }>();
  private readonly routes = new Map<string, Handler>();
  readonly hits = new Map<string, number>();

  async listen(address: string): Promise<string> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, address, resolve));
    this.servers.push(server);
    const base = `http://${address}:${(server.address() as { port: number }).port}`;
    this.bases.set(address, base);
    return base;
  }

  base(address: string): string {
    const base = this.bases.get(address);
    if (!base) throw new Error(`not listening on ${address}`);
    return base;
  }

  /** Appends items to the feed at `path` (creating it). */
  publish(path: string, items: readonly FeedItem[], title = path): void {
    const feed = this.feeds.get(path) ?? { title, items: [] };
    feed.items.push(...items);
    this.feeds.set(path, feed);
  }

  /**
   * `count` sources `${prefix}-0`, `${prefix}-1`... each publishing `items` corpus items at
   * `/<id>.xml` on a loopback address of its own (127.0.0.<firstHost + i>: the crawler's
   * politeness gate is per host). Returns their specs for `sourcesYaml` and their feed paths.
   */
  async publishSources(options: {
    prefix: string;
    count: number;
    items: number;
    firstHost: number;
    intervalSeconds?: number;
  }): Promise<{ sources: SourceSpec[]; paths: string[] }> {
    const sources: SourceSpec[] = [];
    const paths: string[] = [];
    for (let s = 0; s < options.count; s++) {
      const id = `${options.prefix}-${s}`;
      const base = await this.listen(`127.0.0.${options.firstHost + s}`);
      const path = `/${id}.xml`;
      this.publish(
        path,
        Array.from({ length: options.items }, (_, n) => corpusItem(id, n)),
      );
      paths.push(path);
      sources.push({
        id,
        url: `${base}${path}`,
        ...(options.intervalSeconds ? { intervalSeconds: options.intervalSeconds } : {}),
      });
    }
    return { sources, paths };
  }

  items(path: string): readonly FeedItem[] {
    return this.feeds.get(path)?.items ?? [];
  }

  /** Any behaviour at `path` (replaces the feed); `undefined` gives the feed back. */
  route(path: string, handler: Handler | undefined): void {
    if (handler) this.routes.set(path, handler);
    else this.routes.delete(path);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
    const route = this.routes.get(path);
    if (route) return route(req, res);
    const feed = this.feeds.get(path);
    if (!feed) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
    res.end(rss(feed.title, feed.items));
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.closeAllConnections();
            s.close(() => resolve());
          }),
      ),
    );
  }
}

export interface SourceSpec {
  id: string;
  url: string;
  intervalSeconds?: number;
}

/** A SOURCES_FILE (YAML, the catalogue's format) for loopback RSS sources crawled every second or two. */
export function sourcesYaml(sources: readonly SourceSpec[]): string {
  return stringify({
    sources: sources.map((s) => ({
      id: s.id,
      name: `Fault source ${s.id}`,
      kind: 'rss',
      url: s.url,
      intervalSeconds: s.intervalSeconds ?? 1,
      minIntervalSeconds: 1,
      maxIntervalSeconds: s.intervalSeconds ?? 1,
      allowPrivateNetwork: true,
    })),
  });
}
