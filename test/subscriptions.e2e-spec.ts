import type { ParsedMail } from 'mailparser';
import { JobQueue } from '@radar/queue';
import type { RunningRadar } from '@radar/runtime';
import { FixtureHttpServer, pollUntil, TestSmtpServer } from '@radar/testing';
import { FeedItem, LoopbackSystem, rssFeed, startLoopbackSystem } from './support/loopback-system';

/**
 * Subscriptions through real parts (loopback feed, real Redis, SQLite, SMTP): preferences,
 * rate limits, duplicates, the signed manage link and RFC 8058 one-click unsubscribe.
 */

/** Classified nuclear-energy, priority high. */
const NUCLEAR: FeedItem = {
  guid: 'nrc-2026-0042',
  title: 'NRC issues final rule to streamline licensing of advanced nuclear reactors',
  description:
    'The Nuclear Regulatory Commission published a final rule in the Federal Register that modernizes the licensing framework for advanced nuclear reactors and small modular reactors. The rule takes effect on January 15, 2027.',
};
/** Classified solar, priority medium. */
const SOLAR: FeedItem = {
  guid: 'treasury-solar-1',
  title: 'Treasury issues guidance on solar energy tax credits',
  description:
    'The Treasury Department issued guidance on investment tax credits for solar panels and photovoltaic installations.',
};

const LIMIT_PER_ADDRESS = 3;
const LIMIT_PER_IP = 14;

describe('subscriptions, end to end', () => {
  let feed: FixtureHttpServer;
  let smtp: TestSmtpServer;
  let radar: RunningRadar;
  let api: string;
  /** Subscribe requests the limiter let through (all from 127.0.0.1). */
  let accepted = 0;

  const who = {
    solarFan: 'solar-fan@example.org',
    highOnly: 'high-only@example.org',
    daily: 'daily@example.org',
    oneClick: 'one-click@example.org',
  };

  const subscribe = async (body: Record<string, unknown>) => {
    const res = await fetch(`${api}/api/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status === 202) accepted++;
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
  };
  const confirmationOf = async (email: string): Promise<ParsedMail> =>
    (
      await pollUntil(
        () => smtp.to(email).filter((m) => m.subject === 'Confirm your Policy Radar subscription'),
        (m) => m.length > 0,
        { what: `confirmation to ${email}`, timeoutMs: 60000 },
      )
    )[0]!;
  const link = (mail: ParsedMail, path: string): string => {
    const found = new RegExp(`http://\\S+/api/subscriptions/${path}\\?token=[\\w.%-]+`).exec(mail.text ?? '')?.[0];
    expect(found).toBeDefined();
    return found!;
  };
  const alertsTo = (email: string, item: FeedItem) => smtp.to(email).filter((m) => m.subject?.includes(item.title));
  const drained = async () => Object.values(await radar.app.get(JobQueue).depths()).every((n) => n === 0);

  let system: LoopbackSystem;

  beforeAll(async () => {
    system = await startLoopbackSystem({
      name: 'e2e-subscriptions',
      feedBody: rssFeed([], { build: 'Mon, 23 Nov 2026 08:00:00 GMT' }),
      smtp: true,
      env: {
        SUBSCRIBE_LIMIT_PER_ADDRESS_PER_HOUR: String(LIMIT_PER_ADDRESS),
        SUBSCRIBE_LIMIT_PER_IP_PER_HOUR: String(LIMIT_PER_IP),
      },
    });
    ({ feed, radar, api } = system);
    smtp = system.smtp!;
  });

  afterAll(async () => {
    await system?.close();
  });

  it('validates preferences against the taxonomy and IANA time zones, listing every problem', async () => {
    const bad = await subscribe({
      email: 'x@example.org',
      sectors: ['solar', 'warp-drives'],
      areas: ['nowhere'],
      minPriority: 'urgent',
      frequency: 'hourly',
      timeZone: 'Mars/Olympus',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toHaveLength(5);
    expect(bad.body.message.join('\n')).toContain('unknown sub-sector: warp-drives');
  });

  it('stores preferences, confirms each subscriber by the emailed link, and says when alerts come as a digest', async () => {
    const requests = [
      { email: who.solarFan, sectors: ['solar'] },
      { email: who.highOnly, minPriority: 'high', timeZone: 'America/New_York' },
      { email: who.daily, frequency: 'daily' },
      { email: who.oneClick },
    ];
    for (const req of requests) {
      const res = await subscribe(req);
      expect(res.status).toBe(202);
      expect(res.body.status).toBe('pending');
      if (req.frequency === 'daily') expect(res.body.message).toMatch(/come as a daily digest/);
    }
    for (const email of Object.values(who)) {
      const confirmation = await confirmationOf(email);
      const header = (key: string) => confirmation.headerLines.find((h) => h.key === key)?.line;
      expect(header('list-unsubscribe')).toMatch(/<http:\/\/127\.0\.0\.1:\d+\/api\/subscriptions\/unsubscribe\?token=/);
      expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      link(confirmation, 'manage');
      const page = await fetch(link(confirmation, 'confirm'));
      expect(page.status).toBe(200);
    }
  });

  it('the same address, query and preferences subscribing twice gets the same subscription; other preferences get a new one', async () => {
    const first = await subscribe({ email: 'twice@example.org', query: 'reactor', sectors: ['nuclear-energy'] });
    const again = await subscribe({ email: 'TWICE@example.org ', query: 'reactor', sectors: ['nuclear-energy'] });
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    const other = await subscribe({ email: 'twice@example.org', query: 'reactor', sectors: ['solar'] });
    expect(other.body.id).not.toBe(first.body.id);
    await pollUntil(
      () => smtp.to('twice@example.org'),
      (m) => m.length === 2,
      { what: 'one confirmation per distinct subscription', timeoutMs: 60000 },
    );
    await pollUntil(drained, Boolean, { what: 'queues drained', timeoutMs: 60000 });
    expect(smtp.to('twice@example.org')).toHaveLength(2);
  });

  it('the signed manage link lists and unsubscribes; a tampered or foreign token is refused', async () => {
    const mail = (
      await pollUntil(
        () => smtp.to('twice@example.org'),
        (m) => m.length === 2,
        { what: 'confirmations' },
      )
    )[0]!;
    const manage = link(mail, 'manage');
    const listed = await fetch(manage);
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { email: string; subscriptions: { id: string; status: string }[] };
    expect(body.email).toBe('twice@example.org');
    expect(body.subscriptions).toHaveLength(2);
    expect(JSON.stringify(body)).not.toMatch(/token/i);
    const html = await fetch(manage, { headers: { accept: 'text/html' } });
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toContain('/api/subscriptions/manage/unsubscribe?token=');

    const token = new URL(manage).searchParams.get('token')!;
    const [emailPart, exp, sig] = token.split('.');
    const forged = `${Buffer.from('solar-fan@example.org').toString('base64url')}.${exp}.${sig}`;
    for (const bad of [forged, `${emailPart}.${Number(exp) + 86400}.${sig}`, 'not-a-token']) {
      const res = await fetch(`${api}/api/subscriptions/manage?token=${encodeURIComponent(bad)}`);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { message: string }).message).toMatch(/not valid/);
    }

    const target = body.subscriptions[0]!.id;
    const fanToken = new URL(link(await confirmationOf(who.solarFan), 'manage')).searchParams.get('token')!;
    const foreign = await fetch(
      `${api}/api/subscriptions/manage/unsubscribe?token=${encodeURIComponent(fanToken)}&id=${target}`,
      { method: 'POST' },
    );
    expect(foreign.status).toBe(404);
    const done = await fetch(
      `${api}/api/subscriptions/manage/unsubscribe?token=${encodeURIComponent(token)}&id=${target}`,
      { method: 'POST' },
    );
    expect(done.status).toBe(200);
    const after = (await (await fetch(manage)).json()) as { subscriptions: { id: string; status: string }[] };
    expect(after.subscriptions.map((s) => [s.id, s.status])).toEqual([
      [target, 'unsubscribed'],
      [body.subscriptions[1]!.id, 'pending'],
    ]);
  });

  it('alerts only subscribers whose sectors and minimum priority the alert meets; instant only; one-click unsubscribe stops mail', async () => {
    feed.set('/feed.xml', { body: rssFeed([NUCLEAR], { build: 'Mon, 23 Nov 2026 10:00:00 GMT' }) });
    await pollUntil(
      () => [alertsTo(who.highOnly, NUCLEAR).length, alertsTo(who.oneClick, NUCLEAR).length],
      ([a, b]) => a === 1 && b === 1,
      { what: 'the nuclear (high) alert to high-only and one-click', timeoutMs: 90000 },
    );
    await pollUntil(drained, Boolean, { what: 'queues drained', timeoutMs: 60000 });

    // RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the List-Unsubscribe URL.
    const alert = alertsTo(who.oneClick, NUCLEAR)[0]!;
    const target = /<([^>]+)>/.exec(alert.headerLines.find((h) => h.key === 'list-unsubscribe')!.line)![1]!;
    const oneClick = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(await oneClick.json()).toEqual({ status: 'unsubscribed' });
    expect(alert.text).toMatch(/Manage your subscriptions: http:\/\/\S+\/api\/subscriptions\/manage\?token=/);

    feed.set('/feed.xml', { body: rssFeed([NUCLEAR, SOLAR], { build: 'Mon, 23 Nov 2026 11:00:00 GMT' }) });
    await pollUntil(
      () => alertsTo(who.solarFan, SOLAR),
      (m) => m.length === 1,
      { what: 'the solar (medium) alert to the solar subscriber', timeoutMs: 90000 },
    );
    await pollUntil(drained, Boolean, { what: 'queues drained', timeoutMs: 60000 });

    expect(alertsTo(who.solarFan, NUCLEAR)).toHaveLength(0); // sector solar: no nuclear alert
    expect(alertsTo(who.highOnly, SOLAR)).toHaveLength(0); // minPriority high: no medium alert
    expect(alertsTo(who.oneClick, SOLAR)).toHaveLength(0); // unsubscribed by one click
    expect(smtp.to(who.daily)).toHaveLength(1); // daily: no instant alert (its digest comes at its hour)
    expect(smtp.to(who.oneClick)).toHaveLength(2);
  });

  it('limits subscribes per address, with 429 and Retry-After', async () => {
    for (let i = 0; i < LIMIT_PER_ADDRESS; i++) {
      expect((await subscribe({ email: 'eager@example.org', query: `q${i}` })).status).toBe(202);
    }
    const refused = await subscribe({ email: 'eager@example.org', query: 'one more' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
    expect(refused.body.message).toMatch(/address/);
  });

  it('limits subscribes per client IP across addresses', async () => {
    const room = LIMIT_PER_IP - accepted;
    expect(room).toBeGreaterThan(0);
    for (let i = 0; i < room; i++) {
      expect((await subscribe({ email: `crowd-${i}@example.org` })).status).toBe(202);
    }
    const refused = await subscribe({ email: 'crowd-last@example.org' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.message).toMatch(/client/);
  });
});
