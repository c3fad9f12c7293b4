import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultTaxonomy } from '@radar/core';
import { parseSources, SourceFileError } from './source';
import { BUILTIN_CATALOGUE, loadSourceFile } from './source-catalogue';

const dir = mkdtempSync(join(tmpdir(), 'radar-sources-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof SourceFileError) return e.problems;
    throw e;
  }
  throw new Error('expected a SourceFileError');
};

describe('source files', () => {
  it('reads YAML and JSON with defaults', () => {
    const yaml = file(
      's.yaml',
      'sources:\n  - {id: a, name: A, kind: rss, url: "https://example.gov/a.xml", intervalSeconds: 60}\n',
    );
    const json = file(
      's.json',
      JSON.stringify([{ id: 'b', name: 'B', kind: 'atom', url: 'http://example.gov/b', intervalSeconds: 5 }]),
    );
    expect(loadSourceFile(yaml)).toEqual([
      {
        id: 'a',
        name: 'A',
        kind: 'rss',
        url: 'https://example.gov/a.xml',
        intervalSeconds: 60,
        subSectors: [],
        agencies: [],
        requiresApiKey: false,
        enabled: true,
        fetchFullText: false,
        allowPrivateNetwork: false,
        maxPages: 3,
      },
    ]);
    expect(loadSourceFile(json)[0].kind).toBe('atom');
  });

  it('rejects a file naming the file, each bad entry and its problem', () => {
    const path = file(
      'bad.yaml',
      [
        'sources:',
        '  - {id: ok, name: OK, kind: rss, url: "https://x.gov/feed", intervalSeconds: 60}',
        '  - {id: ftp-one, name: F, kind: rss, url: "ftp://x.gov/feed", intervalSeconds: 60}',
        '  - {id: ok, name: Dup, kind: gopher, url: "https://x.gov", intervalSeconds: 60}',
        '  - {id: tagged, name: T, kind: atom, url: "https://x.gov", intervalSeconds: 60, subSectors: [warp-drives]}',
        '  - {name: nameless, kind: rss, url: "https://x.gov", intervalSeconds: 60, colour: red}',
      ].join('\n'),
    );
    let error: SourceFileError | undefined;
    try {
      loadSourceFile(path, new Set(['nuclear-energy']));
    } catch (e) {
      error = e as SourceFileError;
    }
    expect(error).toBeInstanceOf(SourceFileError);
    expect(error!.message).toContain(path);
    expect(error!.problems).toEqual(
      expect.arrayContaining([
        'entry 2 (id "ftp-one"): url: must be an http or https URL',
        expect.stringMatching(/^entry 3 \(id "ok"\): kind: /),
        'entry 4 (id "tagged"): subSectors: unknown sub-sector "warp-drives"',
        expect.stringMatching(/^entry 5: id: /),
        expect.stringMatching(/^entry 5: .*colour/),
      ]),
    );
  });

  it('reports a duplicate id once it is otherwise valid', () => {
    const entry = { name: 'A', kind: 'rss', url: 'https://x.gov', intervalSeconds: 60 };
    expect(
      problemsOf(() =>
        parseSources(
          [
            { id: 'a', ...entry },
            { id: 'a', ...entry },
          ],
          'f',
        ),
      ),
    ).toEqual(['entry 2 (id "a"): duplicate id, already used by entry 1']);
  });

  it('reports unreadable and unparsable files', () => {
    expect(problemsOf(() => loadSourceFile(join(dir, 'missing.yaml')))[0]).toMatch(/cannot be read/);
    expect(problemsOf(() => loadSourceFile(file('broken.yaml', 'sources: [\n  {id: a,')))[0]).toMatch(
      /is not valid YAML/,
    );
    expect(problemsOf(() => loadSourceFile(file('broken.json', '{"sources": ')))[0]).toMatch(/is not valid JSON/);
    expect(problemsOf(() => loadSourceFile(file('empty.yaml', 'sources: []')))).toEqual([
      'the list of sources is empty',
    ]);
  });

  it('ships a valid built-in catalogue covering all 27 sub-sectors', () => {
    const taxonomy = defaultTaxonomy();
    const sources = loadSourceFile(BUILTIN_CATALOGUE, new Set(taxonomy.subSectors.map((s) => s.id)));
    expect(sources.length).toBeGreaterThanOrEqual(50);
    const covered = new Set(sources.flatMap((s) => s.subSectors));
    expect(taxonomy.subSectors.filter((s) => !covered.has(s.id)).map((s) => s.id)).toEqual([]);
  });
});
