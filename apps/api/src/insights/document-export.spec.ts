import { PassThrough, Writable } from 'node:stream';
import type { RadarDocument } from '@radar/core';
import type { SearchRequest, SearchResult } from '@radar/search';
import { csvCell, csvRow, openExport, writeExport } from './document-export';

const doc = (id: string, extra: Partial<RadarDocument> = {}): RadarDocument =>
  ({
    id,
    publishedAt: '2026-11-23T09:00:00.000Z',
    title: `Title ${id}`,
    url: `https://example.gov/${id}`,
    sourceId: 'src',
    docType: 'rule',
    subSectors: [
      { id: 'nuclear-energy', score: 1, evidence: [] },
      { id: 'semiconductors', score: 1, evidence: [] },
    ],
    focusAreas: ['energy-independence-resilience'],
    priority: 'high',
    policyAction: true,
    agencies: ['Nuclear Regulatory Commission'],
    ...extra,
  }) as RadarDocument;

/** A search index of `total` documents served in pages; records the pages it was asked for. */
function pagedIndex(total: number) {
  const docs = Array.from({ length: total }, (_, i) => doc(`d${String(i).padStart(4, '0')}`));
  const served: number[] = [];
  return {
    served,
    async search(req: SearchRequest): Promise<SearchResult> {
      const offset = req.cursor ? Number(req.cursor) : 0;
      const limit = req.limit ?? 20;
      served.push(offset);
      const page = docs.slice(offset, offset + limit);
      const next = offset + limit < docs.length ? String(offset + limit) : undefined;
      return {
        total,
        hits: page.map((document) => ({ document, score: 0, snippet: '' })),
        facets: {},
        ...(next ? { nextCursor: next } : {}),
      };
    },
  };
}

const collect = (sink: PassThrough) => {
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString('utf8');
};

describe('CSV cells', () => {
  it('quotes per RFC 4180 and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    for (const s of ['+1', '-1', '@SUM(A1)', '\tx']) expect(csvCell(s)).toBe(`'${s}`);
    expect(csvCell('')).toBe('');
  });

  it('renders a document as one CRLF-terminated row with `;`-joined lists', () => {
    expect(csvRow(doc('a', { title: 'Rule, "final"' }))).toBe(
      'a,2026-11-23T09:00:00.000Z,"Rule, ""final""",https://example.gov/a,src,rule,nuclear-energy;semiconductors,energy-independence-resilience,high,true,Nuclear Regulatory Commission\r\n',
    );
  });
});

describe('writeExport', () => {
  it('writes every page, header first, and ends the sink', async () => {
    const index = pagedIndex(25);
    const sink = new PassThrough();
    const text = collect(sink);
    const result = await writeExport(await openExport(index, { kind: 'all' }, 10), 'csv', sink);
    expect(result).toEqual({ outcome: 'complete', documents: 25 });
    const lines = text().split('\r\n');
    expect(lines[0]).toBe(
      'id,publishedAt,title,url,sourceId,docType,subSectors,focusAreas,priority,policyAction,agencies',
    );
    expect(lines).toHaveLength(27); // header, 25 rows, '' after the last CRLF
    expect(index.served).toEqual([0, 10, 20]);
  });

  it('writes one JSON document per line', async () => {
    const sink = new PassThrough();
    const text = collect(sink);
    await writeExport(await openExport(pagedIndex(3), { kind: 'all' }, 2), 'jsonl', sink);
    const ids = text()
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as RadarDocument).id);
    expect(ids).toEqual(['d0000', 'd0001', 'd0002']);
  });

  it('waits for drain under backpressure and stops paging when the client goes away', async () => {
    const index = pagedIndex(1000);
    let writes = 0;
    // A slow client: accepts one chunk, never drains, and disconnects after the second.
    const sink = new Writable({
      highWaterMark: 1,
      write(_chunk, _enc, callback) {
        writes += 1;
        if (writes === 2) setImmediate(() => sink.destroy());
        else if (writes === 1) callback();
      },
    });
    const result = await writeExport(await openExport(index, { kind: 'all' }, 10), 'jsonl', sink);
    expect(result.outcome).toBe('aborted');
    expect(index.served.length).toBeLessThanOrEqual(3);
  });
});
