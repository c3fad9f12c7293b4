import { existsSync, statSync } from 'node:fs';
import type { ParsedMail } from 'mailparser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pollUntil } from '@radar/testing';
import { FeedItem, LoopbackSystem, rssFeed, startLoopbackSystem } from '../support/loopback-system';
import { describeWithBrowser, launchBrowser, newAppContext, saveScreenshot } from './support/browser';

/**
 * The web app in Debian's Chromium against the whole system booted in-process (loopback feed,
 * real Redis, SQLite, a real SMTP server): search with a facet click, triage an alert, and
 * subscribe -> confirm by the emailed link -> unsubscribe. Each test saves a screenshot to
 * test-artifacts/. Waits are on conditions (locators, pollUntil), never fixed sleeps.
 */

const TIMEOUT = 180_000;

/** nuclear-energy, a final rule: a high-priority alert with dated events. */
const NUCLEAR: FeedItem = {
  guid: 'nrc-2026-0042',
  title: 'NRC issues final rule to streamline licensing of advanced nuclear reactors',
  description:
    'The Nuclear Regulatory Commission published a final rule in the Federal Register that modernizes the licensing framework for advanced nuclear reactors and small modular reactors. The rule takes effect on January 15, 2027. Comments are due December 20, 2026.',
};
/** solar. */
const SOLAR: FeedItem = {
  guid: 'treasury-solar-1',
  title: 'Treasury issues guidance on solar energy tax credits',
  description:
    'The Treasury Department issued guidance on investment tax credits for solar panels and photovoltaic installations.',
};
/** No sub-sector. */
const BAKERY: FeedItem = {
  guid: 'bakery-1',
  title: 'Town bakery celebrates fifty years of sourdough',
  description: 'A family bakery on Main Street marked its anniversary with free bread and a street party.',
};

/** The keys `startLoopbackSystem` returns once API keys exist (undefined until then: the API is open). */
type Keys = Partial<Record<'admin' | 'analyst' | 'policy', string>>;

describeWithBrowser('web app in a browser', () => {
  let system: LoopbackSystem;
  let keys: Keys;
  let browser: Browser;
  let context: BrowserContext | undefined;

  const api = async <T>(path: string, init: RequestInit & { key?: string } = {}): Promise<T> => {
    const { key, ...rest } = init;
    const res = await fetch(`${system.api}${path}`, {
      ...rest,
      headers: { accept: 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...rest.headers },
    });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  /** A page of the app in a fresh context; `apiKey` signs it in (localStorage) before it loads. */
  const open = async (path: string, apiKey?: string): Promise<Page> => {
    await context?.close();
    context = await newAppContext(browser, { apiKey });
    const page = await context.newPage();
    await page.goto(`${system.api}${path}`);
    return page;
  };

  const screenshot = async (page: Page, name: string) => {
    const path = await saveScreenshot(page, name);
    expect(existsSync(path)).toBe(true);
    expect(statSync(path).size).toBeGreaterThan(1000);
  };

  beforeAll(async () => {
    system = await startLoopbackSystem({
      name: 'browser-e2e',
      feedBody: rssFeed([NUCLEAR, SOLAR, BAKERY]),
      smtp: true,
    });
    keys = (system as LoopbackSystem & { keys?: Keys }).keys ?? {};
    browser = await launchBrowser();
    await pollUntil(
      () => api<{ total: number }>('/api/search?q=', { key: keys.admin }),
      (r) => r.total === 3,
      { what: 'the three feed items searchable', timeoutMs: 90_000 },
    );
    await pollUntil(
      () => api<{ alerts: { id: string }[] }>('/api/alerts', { key: keys.admin }),
      (r) => r.alerts.length >= 1,
      { what: 'the nuclear alert', timeoutMs: 60_000 },
    );
  }, TIMEOUT);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await system?.close();
  });

  it(
    'search: a facet click adds sector:… to the query and narrows the results',
    async () => {
      const page = await open('/search', keys.analyst);
      const results = page.getByRole('region', { name: 'Results' });
      await page.locator('.result-count', { hasText: '3 documents' }).waitFor();
      expect(await results.locator('.hit').count()).toBe(3);
      await results.getByRole('img', { name: 'Documents per week' }).waitFor();
      // Highlighted snippets and the weekly histogram come with a query with words.
      await page.getByLabel('Search documents').fill('reactors');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.waitForURL(/\/search\?q=reactors$/);
      await page.locator('.hit mark').first().waitFor();
      await page.getByLabel('Search documents').fill('');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.locator('.result-count', { hasText: '3 documents' }).waitFor();

      const sectorFacet = page.getByRole('region', { name: 'Sub-sector' });
      await sectorFacet.getByRole('button', { name: /Nuclear Energy/ }).click();

      await page.waitForURL(/\/search\?q=sector%3Anuclear-energy$/);
      await page.locator('.result-count', { hasText: '1 document' }).waitFor();
      expect(await page.getByLabel('Search documents').inputValue()).toBe('sector:nuclear-energy');
      const titles = await results.locator('.hit h3').allTextContents();
      expect(titles).toEqual([NUCLEAR.title]);
      await expect(
        sectorFacet.getByRole('button', { name: /Nuclear Energy/ }).getAttribute('aria-pressed'),
      ).resolves.toBe('true');

      // The document view shows the evidence for its tags.
      await results.getByRole('link', { name: NUCLEAR.title }).click();
      await page.getByRole('heading', { level: 1, name: NUCLEAR.title }).waitFor();
      await page.getByRole('heading', { name: 'Tags and their evidence' }).waitFor();
      await page.locator('.evidence mark').first().waitFor();
      await page.getByRole('heading', { name: 'Versions and changes' }).waitFor();
      await screenshot(page, 'document-view');
      await page.goBack();
      await page.locator('.result-count', { hasText: '1 document' }).waitFor();
      await screenshot(page, 'search-facet-click');
    },
    TIMEOUT,
  );

  it(
    'sign in: a 401 opens the form, the key is kept in localStorage and sent, sign out forgets it',
    async () => {
      const page = await open('/search');
      const key = keys.analyst ?? 'any-key-while-the-api-is-open';
      if (keys.analyst) {
        await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      } else {
        await page.getByRole('banner').getByRole('button', { name: 'Sign in' }).click();
      }
      await page.getByLabel('API key').fill(key);
      await page.getByRole('main').getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.locator('.result-count', { hasText: '3 documents' }).waitFor();
      expect(await page.evaluate(() => window.localStorage.getItem('radar.apiKey'))).toBe(key);

      await page.getByRole('button', { name: 'Sign out' }).click();
      expect(await page.evaluate(() => window.localStorage.getItem('radar.apiKey'))).toBeNull();
      if (keys.analyst) await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await screenshot(page, 'sign-in');
    },
    TIMEOUT,
  );

  it(
    'alert desk: triage buttons set the state (reviewed, then acted by keyboard), as the API confirms',
    async () => {
      const { alerts } = await api<{ alerts: { id: string; title: string }[] }>('/api/alerts', { key: keys.policy });
      const alertId = alerts.find((a) => a.title === NUCLEAR.title)!.id;
      const page = await open('/alerts', keys.policy);
      const alert = page.getByRole('article', { name: NUCLEAR.title });
      const triage = alert.getByRole('group', { name: `Triage: ${NUCLEAR.title}` });
      await triage.getByRole('button', { name: 'New' }).waitFor();
      expect(await triage.getByRole('button', { name: 'New' }).getAttribute('aria-pressed')).toBe('true');

      await triage.getByRole('button', { name: 'Reviewed' }).click();
      await triage.locator('button[aria-pressed="true"]', { hasText: 'Reviewed' }).waitFor();
      const reviewed = await api<{ alerts: { id: string }[] }>('/api/alerts?state=reviewed', { key: keys.policy });
      expect(reviewed.alerts.map((a) => a.id)).toEqual([alertId]);

      await triage.getByRole('button', { name: 'Acted' }).focus();
      await page.keyboard.press('Enter');
      await triage.locator('button[aria-pressed="true"]', { hasText: 'Acted' }).waitFor();
      const after = await api<{ alerts: { id: string; state: string; stateChangedAt?: string }[] }>(
        '/api/alerts?state=acted',
        { key: keys.policy },
      );
      expect(after.alerts.map((a) => a.id)).toEqual([alertId]);
      expect(after.alerts[0]!.stateChangedAt).toBeDefined();

      // The deadlines calendar lists the alert's dated events.
      await page.getByRole('link', { name: 'Deadlines calendar' }).click();
      await page.getByRole('checkbox', { name: 'Include past dates' }).check();
      await page.locator('.agenda li', { hasText: NUCLEAR.title }).first().waitFor();
      await screenshot(page, 'alert-calendar');
      await page.getByRole('navigation', { name: 'Alert views' }).getByRole('link', { name: 'Feed' }).click();
      await triage.locator('button[aria-pressed="true"]', { hasText: 'Acted' }).waitFor();
      await screenshot(page, 'alert-triage');
    },
    TIMEOUT,
  );

  it(
    'subscribe: the form, the emailed confirmation link, then unsubscribe on the manage page',
    async () => {
      const email = 'browser-subscriber@example.org';
      const page = await open('/subscribe');
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Words or query (optional)').fill('reactor');
      await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
      await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
      await page.getByRole('main').getByText(`A confirmation link was sent to ${email}`).waitFor();

      const mail: ParsedMail = (
        await pollUntil(
          () => system.smtp!.to(email).filter((m) => m.subject === 'Confirm your Policy Radar subscription'),
          (m) => m.length > 0,
          { what: `confirmation to ${email}`, timeoutMs: 60_000 },
        )
      )[0]!;
      const link = (path: string): string => {
        const found = new RegExp(`http://\\S+/api/subscriptions/${path}\\?token=[\\w.%-]+`).exec(mail.text ?? '')?.[0];
        expect(found).toBeDefined();
        return found!;
      };

      // The confirmation link exactly as emailed.
      await page.goto(link('confirm'));
      await page.getByRole('heading', { name: 'Subscription confirmed' }).waitFor();
      await screenshot(page, 'subscribe-confirmed');

      // The web app's manage page for the emailed manage link's token.
      const manage = new URL(link('manage'));
      await page.goto(`${system.api}/subscribe/manage${manage.search}`);
      await page.getByRole('main').getByText(`Subscriptions of ${email}`).waitFor();
      const subscription = page.locator('.subscription', { hasText: 'reactor' });
      await subscription.getByText('Confirmed').waitFor();
      await subscription.getByRole('button', { name: 'Unsubscribe' }).click();
      await subscription.getByText('Unsubscribed').waitFor();
      await expect(subscription.getByRole('button', { name: 'Unsubscribe' }).count()).resolves.toBe(0);

      const listed = await api<{ email: string; subscriptions: { query: string; status: string }[] }>(
        `/api/subscriptions/manage${manage.search}`,
      );
      expect(listed.subscriptions).toEqual([expect.objectContaining({ query: 'reactor', status: 'unsubscribed' })]);
      await screenshot(page, 'subscribe-unsubscribed');
    },
    TIMEOUT,
  );
});
