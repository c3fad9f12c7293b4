import { alertFromDocument, defaultTaxonomy, type RadarDocument } from '@radar/core';
import { renderWebhookBody, slackEscape, teamsEscape, WEBHOOK_DIFF_LINES, webhookEvent } from './payloads';

const taxonomy = defaultTaxonomy();

const doc: RadarDocument = {
  id: 'd1',
  version: 2,
  contentHash: 'h',
  sourceId: 'fr-nrc',
  sourceName: 'Federal Register <NRC>',
  url: 'https://example.gov/rule?a=1&b=2',
  title: 'NRC extends comment period <b>now</b> & more',
  summary: '',
  body: '',
  publishedAt: '2026-11-23T09:00:00.000Z',
  fetchedAt: '2026-11-23T09:05:00.000Z',
  indexedAt: '2026-11-24T09:05:01.000Z',
  subSectors: [{ id: 'nuclear-energy', score: 0.9, evidence: [] }],
  focusAreas: ['energy-independence-resilience'],
  advocacyGoals: [],
  docType: 'proposed_rule',
  policyEvents: [{ kind: 'comment_deadline', date: '2027-03-15' }],
  policyAction: true,
  agencies: [],
  priority: 'high',
  priorityReason: 'Proposed rule',
  diff: {
    added: ['Comments are due by <March 15, 2027>.', ...Array.from({ length: 300 }, (_, i) => `line ${i}`)],
    removed: ['Comments are due by January 15, 2027.'],
  },
};

const alert = alertFromDocument(doc, '2026-11-24T09:06:00.000Z');
alert.sources!.push({ ...alert.sources![0]!, documentId: 'd2', sourceName: 'NRC News' });
const changed = webhookEvent({
  deliveryId: 'wh.s1.d1.v2',
  type: 'alert.changed',
  createdAt: '2026-11-24T09:06:00.000Z',
  subscription: { id: 's1', query: 'sector:nuclear-energy' },
  alert,
  change: alert.lastChange,
});

describe('webhook payloads', () => {
  it('json: the event with its delivery id, the alert with every source and dated events, the change capped', () => {
    const body = JSON.parse(renderWebhookBody('json', changed, taxonomy));
    expect(body).toMatchObject({
      id: 'wh.s1.d1.v2',
      type: 'alert.changed',
      subscription: { id: 's1', query: 'sector:nuclear-energy' },
      alert: {
        id: 'd1',
        title: doc.title,
        priority: 'high',
        policyEvents: [{ kind: 'comment_deadline', date: '2027-03-15' }],
        documentVersion: 2,
      },
      change: { version: 2, addedTotal: 301, removedTotal: 1, removed: ['Comments are due by January 15, 2027.'] },
    });
    expect(body.alert.sources.map((s: { sourceName: string }) => s.sourceName)).toEqual([
      'Federal Register <NRC>',
      'NRC News',
    ]);
    expect(body.change.added).toHaveLength(WEBHOOK_DIFF_LINES);
  });

  it('slack: text and blocks, with &, < and > escaped so document text cannot mention or link', () => {
    const body = JSON.parse(renderWebhookBody('slack', changed, taxonomy));
    expect(body.text).toBe(
      '[Policy Radar] HIGH: Changed: NRC extends comment period &lt;b&gt;now&lt;/b&gt; &amp; more',
    );
    expect(body.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'HIGH: Changed: NRC extends comment period <b>now</b> & more', emoji: false },
    });
    const section = body.blocks[1].text.text as string;
    expect(section).toContain('<https://example.gov/rule?a=1&b=2|Open the document>');
    expect(section).toContain('*Sub-sectors:* Nuclear Energy');
    expect(section).toContain('*Policy events:* comment deadline (2027-03-15)');
    expect(section).toContain('*Reported by:* Federal Register &lt;NRC&gt;, NRC News');
    const diff = body.blocks[2].text.text as string;
    expect(diff).toContain('+ Comments are due by &lt;March 15, 2027&gt;.');
    expect(diff).toContain('- Comments are due by January 15, 2027.');
    expect(diff).toContain('+ … and 291 more line(s)');
    for (const block of body.blocks) {
      if (block.text?.type === 'mrkdwn') expect(block.text.text.length).toBeLessThanOrEqual(3000);
    }
  });

  it('teams: a message with one Adaptive Card, text escaped, an Open action', () => {
    const body = JSON.parse(renderWebhookBody('teams', changed, taxonomy));
    expect(body.type).toBe('message');
    expect(body.attachments).toHaveLength(1);
    const card = body.attachments[0];
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(card.content.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open the document', url: 'https://example.gov/rule?a=1&b=2' },
    ]);
    const texts = (card.content.body as { text?: string }[]).map((b) => b.text).filter(Boolean);
    expect(texts).toContain(teamsEscape('+ Comments are due by <March 15, 2027>.'));
    expect(texts.join('\n')).not.toContain('<b>');
    expect(card.content.body[1].facts).toContainEqual({ title: 'Sub-sectors', value: 'Nuclear Energy' });
  });

  it('ping: a short event in every format', () => {
    const ping = webhookEvent({
      deliveryId: 'ping.s1.x',
      type: 'ping',
      createdAt: '2026-11-24T09:06:00.000Z',
      subscription: { id: 's1', query: '' },
    });
    expect(JSON.parse(renderWebhookBody('json', ping, taxonomy))).toEqual({
      id: 'ping.s1.x',
      type: 'ping',
      createdAt: '2026-11-24T09:06:00.000Z',
      subscription: { id: 's1', query: '' },
    });
    expect(JSON.parse(renderWebhookBody('slack', ping, taxonomy))).toEqual({
      text: '[Policy Radar] Policy Radar test ping: this webhook is connected.',
    });
    expect(JSON.parse(renderWebhookBody('teams', ping, taxonomy)).attachments[0].content.body).toHaveLength(1);
  });

  it('escapes', () => {
    expect(slackEscape('<@U123> & <!channel>')).toBe('&lt;@U123&gt; &amp; &lt;!channel&gt;');
    expect(teamsEscape('[click](https://evil.example) *bold*')).toBe(
      '\\[click\\]\\(https://evil\\.example\\) \\*bold\\*',
    );
  });
});
