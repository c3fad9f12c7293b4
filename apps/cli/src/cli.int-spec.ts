import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { createTestEnv, FixtureHttpServer, TestEnv } from '@radar/testing';
import { classifyCommand } from './classify.command';
import { crawlOnceCommand, parseFeedCommand } from './crawl.commands';

const collect = () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
};

const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>Agency</title><link>https://agency.example.gov/</link>
<item><guid>n1</guid><title>DOE announces loan guarantee for a battery cell plant</title><link>https://agency.example.gov/n1</link>
<description>The Loan Programs Office closed a conditional commitment for lithium-ion battery manufacturing.</description>
<pubDate>Mon, 23 Nov 2026 09:00:00 GMT</pubDate></item></channel></rss>`;

describe('radar command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'radar-cli-'));

  it('classify: one line out per line in; bad lines name their number and the rest go on', async () => {
    const out = collect();
    const input = Readable.from([
      '{"id":"a","title":"NRC approves construction permit for a small modular reactor","text":"The Nuclear Regulatory Commission issued the permit."}\n',
      '{"id":"b","title":"Recipe: sourdough","text":"Flour and water."}\nnot json\n{"id":"c"}\n',
    ]);
    expect(await classifyCommand(input, out.stream)).toBe(1);
    const lines = out
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0].subSectors.map((s: { id: string }) => s.id)).toContain('nuclear-energy');
    expect(lines[0].focusAreas).toContain('energy-independence-resilience');
    expect(lines[1]).toMatchObject({ id: 'b', subSectors: [], policyAction: false });
    expect(lines[2]).toMatchObject({ line: 3 });
    expect(lines[2].error).toMatch(/not valid JSON/);
    expect(lines[3]).toEqual({ line: 4, error: 'needs a title or a text' });
  });

  it('parse-feed prints the feed and its items, and exits 2 with one line for a non-feed', async () => {
    const feed = join(dir, 'feed.xml');
    writeFileSync(feed, RSS);
    const out = collect();
    expect(await parseFeedCommand(feed, out.stream, collect().stream)).toBe(0);
    const parsed = JSON.parse(out.text());
    expect(parsed.feed).toEqual({ title: 'Agency', link: 'https://agency.example.gov/' });
    expect(parsed.items[0]).toMatchObject({
      guid: 'n1',
      link: 'https://agency.example.gov/n1',
      publishedAt: '2026-11-23T09:00:00.000Z',
    });

    const html = join(dir, 'page.html');
    writeFileSync(html, '<html><body>Not a feed</body></html>');
    const err = collect();
    expect(await parseFeedCommand(html, collect().stream, err.stream)).toBe(2);
    expect(err.text().trim().split('\n')).toHaveLength(1);
    expect(err.text()).toContain('is not a feed');
  });

  describe('crawl-once', () => {
    let env: TestEnv;
    let server: FixtureHttpServer;
    beforeAll(async () => {
      server = await new FixtureHttpServer().start();
      server.set('/feed.xml', { body: RSS });
      env = createTestEnv();
    });
    afterAll(async () => {
      await env.cleanup();
      await server.stop();
    });

    it('fetches and parses a URL once and prints classified documents as JSON Lines', async () => {
      const out = collect();
      const code = await crawlOnceCommand(
        { url: `${server.url}/feed.xml`, kind: 'rss', allowPrivateNetwork: true },
        env.config,
        out.stream,
      );
      expect(code).toBe(0);
      const [doc] = out
        .text()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(doc).toMatchObject({ guid: 'n1', title: 'DOE announces loan guarantee for a battery cell plant' });
      expect(doc.subSectors.map((s: { id: string }) => s.id)).toContain('battery-storage');
    });

    it('refuses a loopback URL unless asked to allow private networks', async () => {
      await expect(crawlOnceCommand({ url: `${server.url}/feed.xml` }, env.config, collect().stream)).rejects.toThrow(
        /refus|blocked|private|loopback/i,
      );
    });
  });
});
