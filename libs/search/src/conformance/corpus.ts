/**
 * A small, hand-written policy corpus for the conformance suite. Every expectation in the
 * suite is stated against these documents, so edit them with the suite open.
 */
import { contentHash, type Alert, type RadarDocument, type Subscription } from '@radar/core';

export type DocInput = Pick<RadarDocument, 'id' | 'title' | 'summary' | 'body' | 'publishedAt'> &
  Partial<RadarDocument>;

/** A complete document from the fields a test cares about. */
export function makeDoc(input: DocInput): RadarDocument {
  const url = input.url ?? `https://example.gov/${input.id}`;
  return {
    version: 1,
    contentHash: contentHash({ title: input.title, summary: input.summary, body: input.body, url }),
    sourceId: 'federal-register',
    sourceName: 'Federal Register',
    url,
    fetchedAt: input.publishedAt,
    indexedAt: input.publishedAt,
    subSectors: [],
    focusAreas: [],
    advocacyGoals: [],
    docType: 'news',
    policyEvents: [],
    policyAction: false,
    agencies: [],
    priority: 'none',
    priorityReason: '',
    ...input,
  };
}

const tag = (id: string, score = 0.9): RadarDocument['subSectors'][number] => ({ id, score, evidence: [] });

/** Ten documents; ids are short names. Dates, newest first: see `CORPUS_BY_DATE`. */
export const CORPUS: readonly RadarDocument[] = [
  makeDoc({
    id: 'nrc-spent-fuel',
    title: 'NRC finalizes rule on spent fuel storage at reactor sites',
    summary:
      'The Nuclear Regulatory Commission issued a final rule that streamlines licensing for dry cask storage of spent nuclear fuel.',
    body: 'The rule takes effect in 60 days. Operators of decommissioning reactors may store spent fuel in dry casks under a general license. Comments from utilities in Québec and Ontario were addressed.',
    publishedAt: '2026-01-15T14:00:00.000Z',
    subSectors: [tag('nuclear-energy')],
    focusAreas: ['regulation'],
    advocacyGoals: [tag('streamline-permitting')],
    docType: 'rule',
    agencies: ['Nuclear Regulatory Commission'],
    sourceId: 'federal-register',
    policyEvents: [{ kind: 'final_rule', date: '2026-01-15' }],
    policyAction: true,
    priority: 'high',
  }),
  makeDoc({
    id: 'doe-smr-funding',
    title: 'DOE announces $900 million to accelerate small modular reactor deployment',
    summary: 'The Department of Energy opened a funding opportunity for first movers building small modular reactors.',
    body: 'Applicants must demonstrate a credible path to commercial operation. Cybersecurity plans are required for every award.',
    publishedAt: '2026-02-03T10:00:00.000Z',
    subSectors: [tag('nuclear-energy')],
    focusAreas: ['funding'],
    advocacyGoals: [tag('increase-federal-investment')],
    docType: 'funding',
    agencies: ['Department of Energy'],
    sourceId: 'doe-newsroom',
    sourceName: 'DOE Newsroom',
    policyEvents: [{ kind: 'funding_opportunity' }],
    policyAction: true,
    priority: 'medium',
  }),
  makeDoc({
    id: 'chips-export',
    title: 'Commerce tightens export controls on advanced semiconductor manufacturing equipment',
    summary:
      'The Bureau of Industry and Security published guidance clarifying license requirements for chipmaking tools.',
    body: 'Exporters should review the updated entity list. The guidance follows the CHIPS and Science Act investments in domestic fabs.',
    publishedAt: '2025-12-10T16:30:00.000Z',
    subSectors: [tag('semiconductors')],
    focusAreas: ['trade', 'supply-chain'],
    advocacyGoals: [tag('protect-supply-chains')],
    docType: 'guidance',
    agencies: ['Department of Commerce', 'Bureau of Industry and Security'],
    sourceId: 'bis-press',
    sourceName: 'BIS Press Releases',
    policyEvents: [{ kind: 'guidance_issued' }],
    policyAction: true,
    priority: 'medium',
  }),
  makeDoc({
    id: 'grid-cyber-bill',
    title: 'Senate bill would harden the electric grid against cyberattacks',
    summary:
      'A bipartisan bill directs the Department of Energy to fund cybersecurity upgrades for rural electric cooperatives.',
    body: 'The Grid Security Act authorizes grants for utilities and requires reporting of incidents within 72 hours.',
    publishedAt: '2026-01-28T18:00:00.000Z',
    subSectors: [tag('grid-resilience'), tag('cybersecurity', 0.7)],
    focusAreas: ['legislation', 'funding'],
    advocacyGoals: [tag('increase-federal-investment')],
    docType: 'bill',
    agencies: ['Department of Energy'],
    sourceId: 'congress-gov',
    sourceName: 'Congress.gov',
    policyEvents: [{ kind: 'bill_introduced' }],
    policyAction: true,
    priority: 'high',
  }),
  makeDoc({
    id: 'epa-water-notice',
    title: 'EPA notice on cybersecurity assessments for drinking water utilities',
    summary:
      'The Environmental Protection Agency requests comment on sanitary survey guidance for water system cybersecurity.',
    body: 'Comments are due in 45 days. Small systems may receive technical assistance.',
    publishedAt: '2025-11-20T12:00:00.000Z',
    subSectors: [tag('water-infrastructure'), tag('cybersecurity')],
    focusAreas: ['regulation'],
    docType: 'notice',
    agencies: ['Environmental Protection Agency'],
    sourceId: 'federal-register',
    policyEvents: [{ kind: 'comment_period' }],
    policyAction: true,
    priority: 'low',
  }),
  makeDoc({
    id: 'minerals-eo',
    title: 'Executive order directs stockpiling of critical minerals and rare earth magnets',
    summary: 'The President ordered agencies to expand domestic processing of critical minerals.',
    body: 'The order invokes the Defense Production Act and tasks the Department of Defense with offtake agreements.',
    publishedAt: '2026-02-14T20:00:00.000Z',
    subSectors: [tag('critical-minerals')],
    focusAreas: ['supply-chain'],
    advocacyGoals: [tag('protect-supply-chains')],
    docType: 'presidential_document',
    agencies: ['Department of Defense'],
    sourceId: 'white-house',
    sourceName: 'The White House',
    policyEvents: [{ kind: 'executive_order' }],
    policyAction: true,
    priority: 'high',
  }),
  makeDoc({
    id: 'fuel-costs-news',
    title: 'Utilities spent heavily on fuel during the January cold snap',
    summary: 'Trade press reports that generators spent more on natural gas than in any winter since 2014.',
    body: 'Analysts expect the fuel bills to show up in rate cases this spring.',
    publishedAt: '2026-02-01T09:00:00.000Z',
    subSectors: [tag('grid-resilience', 0.5)],
    docType: 'news',
    sourceId: 'utility-dive',
    sourceName: 'Utility Dive',
    priority: 'none',
  }),
  makeDoc({
    id: 'shipyard-news',
    title: 'Navy report flags shipyard workforce shortages',
    summary: 'Shipbuilders say welder and electrician vacancies delay submarine deliveries.',
    body: 'The report recommends apprenticeship funding. <b>Shipyard</b> unions & managers agree on "fast-track" hiring.',
    publishedAt: '2025-10-05T08:00:00.000Z',
    subSectors: [tag('shipbuilding')],
    focusAreas: ['workforce'],
    advocacyGoals: [tag('grow-workforce')],
    docType: 'news',
    agencies: ['Department of the Navy'],
    sourceId: 'defense-news',
    sourceName: 'Defense News',
    policyEvents: [{ kind: 'report_released' }],
    priority: 'low',
  }),
  makeDoc({
    id: 'fda-biomanufacturing',
    title: 'FDA guidance on continuous biomanufacturing for critical medicines',
    summary: 'Draft guidance encourages domestic production of essential drug ingredients.',
    body: 'The agency will hold a public workshop. Reactor vessels used in bioprocessing must meet sterility requirements.',
    publishedAt: '2026-01-05T15:00:00.000Z',
    subSectors: [tag('biotechnology')],
    focusAreas: ['supply-chain'],
    advocacyGoals: [tag('protect-supply-chains')],
    docType: 'guidance',
    agencies: ['Food and Drug Administration'],
    sourceId: 'fda-news',
    sourceName: 'FDA News',
    policyEvents: [{ kind: 'guidance_issued' }],
    policyAction: true,
    priority: 'medium',
  }),
  makeDoc({
    id: 'port-cyber-rule',
    title: 'Coast Guard proposes cybersecurity rule for maritime ports',
    summary: 'The proposed rule would require port facility operators to report cyber incidents.',
    body: 'Cranes manufactured abroad are a particular concern. Comments close in 90 days.',
    publishedAt: '2026-02-10T13:00:00.000Z',
    subSectors: [tag('ports-maritime'), tag('cybersecurity')],
    focusAreas: ['regulation'],
    docType: 'proposed_rule',
    agencies: ['U.S. Coast Guard'],
    sourceId: 'federal-register',
    policyEvents: [{ kind: 'proposed_rule' }, { kind: 'comment_period' }],
    policyAction: true,
    priority: 'high',
  }),
];

/** Corpus ids, newest first (the date sort order). */
export const CORPUS_BY_DATE: readonly string[] = [
  'minerals-eo',
  'port-cyber-rule',
  'doe-smr-funding',
  'fuel-costs-news',
  'grid-cyber-bill',
  'nrc-spent-fuel',
  'fda-biomanufacturing',
  'chips-export',
  'epa-water-notice',
  'shipyard-news',
];

export function corpusDoc(id: string): RadarDocument {
  const doc = CORPUS.find((d) => d.id === id);
  if (!doc) throw new Error(`No corpus document ${id}`);
  return doc;
}

export function makeAlert(input: Pick<Alert, 'id' | 'createdAt'> & Partial<Alert>): Alert {
  return {
    documentId: input.id,
    documentVersion: 1,
    title: `Alert ${input.id}`,
    url: `https://example.gov/${input.id}`,
    sourceIds: ['federal-register'],
    docType: 'rule',
    subSectors: [],
    focusAreas: [],
    advocacyGoals: [],
    policyEvents: [],
    priority: 'medium',
    reason: 'final rule in a tracked sub-sector',
    publishedAt: input.createdAt,
    updatedAt: input.createdAt,
    state: 'new',
    ...input,
  };
}

export function makeSubscription(input: Pick<Subscription, 'id' | 'query'> & Partial<Subscription>): Subscription {
  return {
    email: `${input.id}@example.com`,
    status: 'confirmed',
    confirmToken: `confirm-${input.id}`,
    unsubscribeToken: `unsubscribe-${input.id}`,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...input,
  };
}
