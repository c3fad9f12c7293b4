import { makeDoc, makeSubscription } from './conformance/corpus';
import { SubscriptionMatcher } from './subscription-matcher';

const doc = makeDoc({
  id: 'smr-rule',
  title: 'NRC final rule on small modular reactors',
  summary: 'Licensing of advanced reactors is streamlined.',
  body: 'The rule covers fuel fabrication and spent fuel storage at reactor sites.',
  publishedAt: '2026-03-02T00:00:00.000Z',
  subSectors: [{ id: 'nuclear-energy', score: 0.9, evidence: [] }],
  docType: 'rule',
});

const ids = (matcher: SubscriptionMatcher): string[] => matcher.match(doc).map((s) => s.id);

describe('SubscriptionMatcher', () => {
  it('returns a subscription found under several of its keys once', () => {
    // Both words of the OR, and the keyword, are keys the document has.
    const matcher = new SubscriptionMatcher([
      makeSubscription({ id: 'or', query: 'reactors OR fuel' }),
      makeSubscription({ id: 'and', query: 'sector:nuclear-energy licensing' }),
    ]);
    expect(ids(matcher)).toEqual(['and', 'or']);
  });

  it('orders matches by id whatever order the subscriptions came in', () => {
    const subs = ['m', 'b', 'z', 'a', 'q'].map((id) => makeSubscription({ id, query: 'reactor' }));
    expect(ids(new SubscriptionMatcher(subs))).toEqual(['a', 'b', 'm', 'q', 'z']);
  });

  it('decides every candidate by evaluating its query: a key the document has is not enough', () => {
    const matcher = new SubscriptionMatcher([
      makeSubscription({ id: 'phrase-apart', query: '"reactor fuel"' }),
      makeSubscription({ id: 'phrase', query: '"spent fuel"' }),
      makeSubscription({ id: 'excluded', query: 'reactors -type:rule' }),
      makeSubscription({ id: 'other-sector', query: 'sector:shipbuilding reactors' }),
    ]);
    expect(ids(matcher)).toEqual(['phrase']);
  });

  it('evaluates queries without keys against every document', () => {
    const matcher = new SubscriptionMatcher([
      makeSubscription({ id: 'everything', query: '' }),
      makeSubscription({ id: 'not-news', query: '-type:news' }),
      makeSubscription({ id: 'prefix', query: 'modul*' }),
      makeSubscription({ id: 'recent', query: 'published:>=2026-01-01' }),
      makeSubscription({ id: 'old', query: 'published:<2026-01-01' }),
      makeSubscription({ id: 'broken', query: 'reactors AND (' }),
    ]);
    expect(ids(matcher)).toEqual(['everything', 'not-news', 'prefix', 'recent']);
  });

  it('gives the same answer on every call, and another document its own', () => {
    const matcher = new SubscriptionMatcher([
      makeSubscription({ id: 'a', query: 'reactors OR fuel' }),
      makeSubscription({ id: 'b', query: 'shipyard' }),
    ]);
    expect(ids(matcher)).toEqual(['a']);
    expect(ids(matcher)).toEqual(['a']);
    const shipyard = { ...doc, id: 'yard', title: 'Shipyard expansion', summary: '', body: 'New fuel dock.' };
    expect(matcher.match(shipyard).map((s) => s.id)).toEqual(['a', 'b']);
    expect(ids(matcher)).toEqual(['a']);
  });
});
