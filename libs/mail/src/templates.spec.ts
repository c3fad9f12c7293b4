import { alertFromDocument, defaultTaxonomy, RadarDocument } from '@radar/core';
import { escapeHtml, renderAlertEmail, renderConfirmation } from './templates';

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
    });
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
    });
    expect(email.text).toContain('https://radar.example.org/api/subscriptions/confirm?token=t&x=1');
    expect(email.html).toContain('href="https://radar.example.org/api/subscriptions/confirm?token=t&amp;x=1"');
    expect(email.html).toContain('&lt;b&gt;');
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });
});
