import { alertFromDocument, defaultTaxonomy, RadarDocument } from '@radar/core';
import { signManageToken, verifyManageToken } from './subscription-links';
import {
  describePreferences,
  DIFF_LINES_SHOWN,
  escapeHtml,
  renderAlertBatchEmail,
  renderAlertChangedEmail,
  renderAlertEmail,
  renderConfirmation,
  renderDigestEmail,
} from './templates';

const doc: RadarDocument = {
  id: 'd1',
  version: 1,
  contentHash: 'h',
  sourceId: 'fr-nrc',
  sourceName: 'Federal Register <NRC>',
  url: 'https://example.gov/rule?a=1&b="2"',
  title: 'Final rule <script>alert(1)</script> on reactors',
  summary: 'Licensing & fees',
  body: '',
  publishedAt: '2026-11-23T09:00:00.000Z',
  fetchedAt: '2026-11-23T09:05:00.000Z',
  indexedAt: '2026-11-23T09:05:01.000Z',
  subSectors: [{ id: 'nuclear-energy', score: 0.9, evidence: [] }],
  focusAreas: ['energy-independence-resilience'],
  advocacyGoals: [],
  docType: 'rule',
  policyEvents: [{ kind: 'effective_date', date: '2027-01-15' }],
  policyAction: true,
  agencies: ['Nuclear Regulatory Commission'],
  priority: 'high',
  priorityReason: 'Final rule',
};

describe('email templates', () => {
  it('escapes everything from documents in HTML and keeps the text part plain', () => {
    const email = renderAlertEmail({
      alert: alertFromDocument(doc, '2026-11-23T09:06:00.000Z'),
      document: doc,
      subscription: { query: 'sector:nuclear-energy' },
      taxonomy: defaultTaxonomy(),
      unsubscribeUrl: 'https://radar.example.org/api/subscriptions/unsubscribe?token=abc',
      manageUrl: 'https://radar.example.org/api/subscriptions/manage?token=m.1.s',
    });
    expect(email.text).toContain(
      'Manage your subscriptions: https://radar.example.org/api/subscriptions/manage?token=m.1.s',
    );
    expect(email.html).toContain('href="https://radar.example.org/api/subscriptions/manage?token=m.1.s"');
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('Final rule &lt;script&gt;alert(1)&lt;/script&gt; on reactors');
    expect(email.html).toContain('href="https://example.gov/rule?a=1&amp;b=&quot;2&quot;"');
    expect(email.text).toContain('Final rule <script>alert(1)</script> on reactors');
    expect(email.text).toContain('Sub-sectors: Nuclear Energy');
    expect(email.text).toContain('effective date (2027-01-15)');
    expect(email.subject).toMatch(/^\[Policy Radar\] HIGH: /);
    expect(email.headers).toEqual({
      'List-Unsubscribe': '<https://radar.example.org/api/subscriptions/unsubscribe?token=abc>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('renders a confirmation with the link in both parts', () => {
    const email = renderConfirmation({
      subscription: { email: 'a@example.org', query: '"export controls" <b>' },
      confirmUrl: 'https://radar.example.org/api/subscriptions/confirm?token=t&x=1',
      unsubscribeUrl: 'https://radar.example.org/api/subscriptions/unsubscribe?token=u',
      manageUrl: 'https://radar.example.org/api/subscriptions/manage?token=m.1.s',
    });
    expect(email.text).toContain('Unsubscribe: https://radar.example.org/api/subscriptions/unsubscribe?token=u');
    expect(email.text).toContain(
      'Manage your subscriptions: https://radar.example.org/api/subscriptions/manage?token=m.1.s',
    );
    expect(email.headers).toEqual({
      'List-Unsubscribe': '<https://radar.example.org/api/subscriptions/unsubscribe?token=u>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(email.text).toContain('https://radar.example.org/api/subscriptions/confirm?token=t&x=1');
    expect(email.html).toContain('href="https://radar.example.org/api/subscriptions/confirm?token=t&amp;x=1"');
    expect(email.html).toContain('&lt;b&gt;');
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });

  it('names non-default preferences in the confirmation', () => {
    expect(describePreferences({})).toBe('');
    expect(describePreferences({ sectors: ['solar'], minPriority: 'medium', frequency: 'daily' })).toBe(
      'sub-sectors solar; priority medium or higher; daily digest',
    );
  });
});

describe('batch and digest templates', () => {
  const links = {
    unsubscribeUrl: 'https://radar.example.org/api/subscriptions/unsubscribe?token=u',
    manageUrl: 'https://radar.example.org/api/subscriptions/manage?token=m.1.s',
  };
  const alertN = (n: number, priority: 'low' | 'medium' | 'high' = 'medium') => ({
    ...alertFromDocument({ ...doc, id: `d${n}`, title: `Rule ${n} <i>x</i>`, priority }, '2026-11-23T09:06:00.000Z'),
  });

  it('renders a batch as one email listing every alert, escaped in HTML', () => {
    const email = renderAlertBatchEmail({
      alerts: [alertN(1, 'high'), alertN(2)],
      subscription: { query: '' },
      taxonomy: defaultTaxonomy(),
      ...links,
    });
    expect(email.subject).toBe('[Policy Radar] HIGH: 2 new alerts: Rule 1 <i>x</i>');
    expect(email.text).toContain('- [high] Rule 1 <i>x</i>');
    expect(email.text).toContain('- [medium] Rule 2 <i>x</i>');
    expect(email.text).toContain('https://example.gov/rule?a=1&b="2"');
    expect(email.html).toContain('Rule 2 &lt;i&gt;x&lt;/i&gt;');
    expect(email.html).not.toContain('<i>x</i>');
    expect(email.html).toContain('href="https://example.gov/rule?a=1&amp;b=&quot;2&quot;"');
    expect(email.text).toContain(`Unsubscribe: ${links.unsubscribeUrl}`);
    expect(email.headers?.['List-Unsubscribe']).toBe(`<${links.unsubscribeUrl}>`);
  });

  it('renders a digest grouped by focus area, capped with "and N more"', () => {
    const energy = Array.from({ length: 13 }, (_, i) => alertN(i + 1));
    const email = renderDigestEmail({
      frequency: 'daily',
      periodLabel: '2026-11-24',
      groups: [
        { name: 'Energy Independence & Resilience', alerts: energy },
        { name: 'Other', alerts: [alertN(99, 'low')] },
      ],
      perGroupCap: 10,
      subscription: { query: 'sector:nuclear-energy' },
      taxonomy: defaultTaxonomy(),
      ...links,
    });
    expect(email.subject).toBe('[Policy Radar] Daily digest 2026-11-24: 14 alerts');
    expect(email.text).toContain('Energy Independence & Resilience (13)');
    expect(email.text).toContain('Rule 10 <i>x</i>');
    expect(email.text).not.toContain('Rule 11 ');
    expect(email.text).toContain('and 3 more');
    expect(email.text).toContain('Other (1)');
    expect(email.text).toContain('Rule 99');
    expect(email.text.indexOf('Energy')).toBeLessThan(email.text.indexOf('Other (1)'));
    expect(email.html).toContain('Energy Independence &amp; Resilience (13)');
    expect(email.html).toContain('<em>and 3 more</em>');
    expect(email.html).not.toContain('<i>x</i>');
    expect(email.html.match(/<li /g)).toHaveLength(11);
    expect(email.text).toContain('You receive this because you subscribed to “sector:nuclear-energy”.');
  });
});

describe('changes and near-duplicates', () => {
  const links = {
    unsubscribeUrl: 'https://radar.example.org/api/subscriptions/unsubscribe?token=u',
    manageUrl: 'https://radar.example.org/api/subscriptions/manage?token=m.1.s',
  };
  const changed: RadarDocument = {
    ...doc,
    version: 3,
    indexedAt: '2026-11-25T09:05:01.000Z',
    diff: {
      added: ['Comments are due by <b>March 15, 2027</b>.', ...Array.from({ length: 25 }, (_, i) => `added ${i}`)],
      removed: ['Comments are due by January 15, 2027.'],
    },
  };

  it('a change email shows the added and removed lines, escaped in HTML, and caps them', () => {
    const alert = alertFromDocument(changed, '2026-11-25T09:06:00.000Z');
    const email = renderAlertChangedEmail({
      alert,
      change: alert.lastChange!,
      subscription: { query: '' },
      taxonomy: defaultTaxonomy(),
      ...links,
    });
    expect(email.subject).toBe('[Policy Radar] HIGH: Changed: Final rule <script>alert(1)</script> on reactors');
    expect(email.text).toContain('What changed in version 3: 26 line(s) added, 1 removed:');
    expect(email.text).toContain('+ Comments are due by <b>March 15, 2027</b>.');
    expect(email.text).toContain('- Comments are due by January 15, 2027.');
    expect(email.text).toContain(`+ … and ${26 - DIFF_LINES_SHOWN} more line(s)`);
    expect(email.html).toContain('+ Comments are due by &lt;b&gt;March 15, 2027&lt;/b&gt;.');
    expect(email.html).not.toContain('<b>March');
    expect(email.html).not.toContain('<script>');
    expect(email.headers?.['List-Unsubscribe']).toBe(`<${links.unsubscribeUrl}>`);
  });

  it('an alert email lists every source of a collapsed alert and shows a page change', () => {
    const alert = alertFromDocument(changed, '2026-11-25T09:06:00.000Z');
    alert.sources = [
      ...alert.sources!,
      { ...alert.sources![0]!, documentId: 'd2', sourceName: 'NRC <News>', sourceId: 'nrc-news' },
    ];
    const email = renderAlertEmail({
      alert,
      document: changed,
      subscription: { query: '' },
      taxonomy: defaultTaxonomy(),
      ...links,
    });
    expect(email.text).toContain('Reported by: Federal Register <NRC>, NRC <News>');
    expect(email.html).toContain('Reported by: Federal Register &lt;NRC&gt;, NRC &lt;News&gt;');
    expect(email.text).toContain('+ Comments are due by <b>March 15, 2027</b>.');
    // One source: the plain source line, no diff for a first version.
    const single = renderAlertEmail({
      alert: alertFromDocument(doc, '2026-11-25T09:06:00.000Z'),
      document: doc,
      subscription: { query: '' },
      taxonomy: defaultTaxonomy(),
      ...links,
    });
    expect(single.text).toContain('Source: Federal Register <NRC>');
    expect(single.text).not.toContain('What changed');
  });
});

describe('manage tokens', () => {
  const key = Buffer.from('k'.repeat(32));
  const now = Date.parse('2026-11-24T00:00:00Z');

  it('round-trips the address until it expires', () => {
    const token = signManageToken(key, 'a@example.org', now + 1000);
    expect(verifyManageToken(key, token, now)).toMatchObject({ ok: true, email: 'a@example.org' });
    expect(verifyManageToken(key, token, now + 1000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token altered anywhere, or signed with another key', () => {
    const token = signManageToken(key, 'a@example.org', now + 60_000);
    const [email, exp, sig] = token.split('.');
    const other = Buffer.from('b@example.org').toString('base64url');
    for (const bad of [
      `${other}.${exp}.${sig}`,
      `${email}.${Number(exp) + 3600}.${sig}`,
      `${email}.${exp}.${sig!.slice(0, -2)}AA`,
      `${email}.${exp}`,
      'garbage',
      signManageToken(Buffer.from('x'.repeat(32)), 'a@example.org', now + 60_000),
    ]) {
      expect(verifyManageToken(key, bad, now)).toEqual({ ok: false, reason: 'invalid' });
    }
  });
});
