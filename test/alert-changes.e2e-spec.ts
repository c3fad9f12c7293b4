import type { ParsedMail } from 'mailparser';
import { JobQueue } from '@radar/queue';
import { SearchIndex } from '@radar/search';
import { pollUntil, TestSmtpServer } from '@radar/testing';
import { LoopbackSystem, startLoopbackSystem } from './support/loopback-system';

/**
 * "Document changed" notifications through real parts: a loopback feed crawled every second,
 * the classifier's line diff between versions, the notifier, and a real SMTP hop. A proposed
 * rule's comment deadline is extended in the feed: the subscriber already alerted gets one
 * "Changed" email showing the removed and added lines; re-crawls of the unchanged feed send
 * nothing more.
 */

const GUID = 'nrc-2026-0099';
const TITLE = 'NRC proposes rule on licensing of advanced nuclear reactors';

/**
 * An RSS feed whose one item carries its text in content:encoded (the document body). Feed HTML
 * becomes one line of text, so the classifier's line diff shows the whole paragraph as removed
 * and added.
 */
function feed(bodyHtml: string, build: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Loopback Agency News</title><link>https://agency.example.gov/</link><description>fixture</description>
<lastBuildDate>${build}</lastBuildDate>
<item><guid>${GUID}</guid><title>${TITLE}</title><link>https://agency.example.gov/news/${GUID}</link>
<description>The Nuclear Regulatory Commission proposes a rule for advanced nuclear reactors.</description>
<content:encoded><![CDATA[${bodyHtml}]]></content:encoded>
<pubDate>Mon, 23 Nov 2026 09:00:00 GMT</pubDate></item>
</channel></rss>`;
}

const INTRO =
  'The Nuclear Regulatory Commission published a proposed rule in the Federal Register to modernize the licensing of advanced nuclear reactors.';
const V1 = `<p>${INTRO}</p><p>Comments are due by January 15, 2027.</p>`;
/** The new deadline carries text that looks like markup (entities in the feed's HTML): it must reach the email escaped. */
const V2 = `<p>${INTRO}</p><p>Comments are due by &lt;b&gt;March 16, 2027&lt;/b&gt;; the comment period is extended.</p>`;
const V1_TEXT = `${INTRO} Comments are due by January 15, 2027.`;
const V2_TEXT = `${INTRO} Comments are due by <b>March 16, 2027</b>; the comment period is extended.`;

describe('document changed notifications, end to end', () => {
  let system: LoopbackSystem;
  let smtp: TestSmtpServer;
  const subscriber = 'deadlines@example.org';

  const drained = async () => Object.values(await system.radar.app.get(JobQueue).depths()).every((n) => n === 0);
  const mails = (): ParsedMail[] => smtp.to(subscriber);

  beforeAll(async () => {
    system = await startLoopbackSystem({
      name: 'e2e-alert-changes',
      feedBody: feed(V1, 'Mon, 23 Nov 2026 10:00:00 GMT'),
      smtp: true,
    });
    smtp = system.smtp!;
    // A confirmed subscriber (the double opt-in itself is the subscriptions e2e's business).
    await system.radar.app.get(SearchIndex).saveSubscription({
      id: 'deadline-watcher',
      email: subscriber,
      query: 'sector:nuclear-energy',
      status: 'confirmed',
      confirmToken: 'confirm-deadline-watcher-0123456789',
      unsubscribeToken: 'unsub-deadline-watcher-0123456789',
      createdAt: '2026-11-01T00:00:00.000Z',
      confirmedAt: '2026-11-01T00:00:00.000Z',
    });
  });

  afterAll(async () => {
    await system?.close();
  });

  it('alerts once, sends one "Changed" email with the diff when the deadline moves, nothing on unchanged re-crawls', async () => {
    const [first] = await pollUntil(mails, (m) => m.length > 0, { what: 'the alert email', timeoutMs: 60000 });
    expect(first!.subject).toContain(TITLE);
    expect(first!.subject).not.toContain('Changed');

    system.feed.set('/feed.xml', { body: feed(V2, 'Tue, 24 Nov 2026 10:00:00 GMT') });
    const changed = (
      await pollUntil(
        () => mails().filter((m) => m.subject?.includes('Changed:')),
        (m) => m.length > 0,
        { what: 'the changed email', timeoutMs: 60000 },
      )
    )[0]!;
    expect(changed.subject).toBe(`[Policy Radar] HIGH: Changed: ${TITLE}`);
    const text = changed.text ?? '';
    expect(text).toContain('What changed in version 2: 1 line(s) added, 1 removed:');
    expect(text).toContain(`+ ${V2_TEXT}`);
    expect(text).toContain(`- ${V1_TEXT}`);
    // HTML: the document's text is escaped, never markup.
    expect(changed.html).toContain('Comments are due by &lt;b&gt;March 16, 2027&lt;/b&gt;');
    expect(changed.html).not.toContain('<b>March');
    expect(changed.messageId).toMatch(/^<change\.deadline-watcher\.[0-9a-f]+\.v2@policy-radar>$/);

    // The alert itself now shows version 2 and its change.
    const alerts = await system.radar.app.get(SearchIndex).listAlerts({});
    expect(alerts.alerts).toHaveLength(1);
    expect(alerts.alerts[0]).toMatchObject({
      documentVersion: 2,
      lastChange: { version: 2, added: [V2_TEXT], removed: [V1_TEXT] },
    });

    // Three more crawls of the unchanged feed, every job done: still two emails.
    const crawled = system.feed.hits('/feed.xml');
    await pollUntil(
      () => system.feed.hits('/feed.xml'),
      (n) => n >= crawled + 3,
      { what: 'three more crawls', timeoutMs: 30000 },
    );
    await pollUntil(drained, Boolean, { what: 'queues drained', timeoutMs: 20000 });
    expect(mails()).toHaveLength(2);
  });
});
