import { diffPage, isMeaningfulChange, pageText } from './page-watch';

const page = (banner: string, items: string[], extra = '') => `<!doctype html><html><head><title>t</title>
  <style>.x{}</style><script>var t = Date.now();</script></head><body>
  <header><a href="/">Agency home</a></header><nav><ul><li>Menu</li></ul></nav>
  <main>
    <div class="banner">Last updated ${banner}</div>
    <h1>Export control guidance</h1>
    <p>This page lists   current   <b>licence</b> exceptions.</p>
    <ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>
    ${extra}
  </main>
  <footer>© 2026 Agency</footer></body></html>`;

describe('pageText', () => {
  it('gives one normalised line per block, without chrome, scripts or excluded parts', () => {
    expect(pageText(page('10:32', ['Item A', 'Item B']), { exclude: ['.banner'] })).toEqual([
      'Export control guidance',
      'This page lists current licence exceptions.',
      'Item A',
      'Item B',
    ]);
  });

  it('keeps only the included parts, each read once, in document order', () => {
    const html =
      '<div id="a"><p>One</p><div class="b"><p>Two</p></div></div><p>Three</p><div class="b">Four<br>Five</div>';
    expect(pageText(html, { include: ['.b', '#a'] })).toEqual(['One', 'Two', 'Four', 'Five']);
    expect(pageText('<table><tr><td>10 CFR</td><td>Part 50</td></tr></table>')).toEqual(['10 CFR', 'Part 50']);
  });
});

describe('diffPage and isMeaningfulChange', () => {
  it('a page whose only change is the rotating banner, excluded by selector, has no change', () => {
    const before = pageText(page('10:32', ['Item A']), { exclude: ['.banner'] });
    const after = pageText(page('10:47', ['Item A']), { exclude: ['.banner'] });
    const diff = diffPage(before, after, false);
    expect(diff).toEqual({ added: [], removed: [] });
    expect(isMeaningfulChange(diff)).toBe(false);
  });

  it('the same banner, not excluded, is a digits-only timestamp change: reported but not meaningful', () => {
    const diff = diffPage(pageText(page('10:32', ['A'])), pageText(page('10:47', ['A'])), false);
    expect(diff).toEqual({ added: ['Last updated 10:47'], removed: ['Last updated 10:32'] });
    expect(isMeaningfulChange(diff)).toBe(false);
  });

  it('a reordered list is no change when reorder-insensitive, and a change otherwise', () => {
    const before = pageText(page('1', ['Alpha', 'Beta', 'Gamma']), { exclude: ['.banner'] });
    const after = pageText(page('1', ['Gamma', 'Alpha', 'Beta']), { exclude: ['.banner'] });
    expect(diffPage(before, after, true)).toEqual({ added: [], removed: [] });
    const ordered = diffPage(before, after, false);
    expect(ordered.added).toEqual(['Gamma']);
    expect(ordered.removed).toEqual(['Gamma']);
  });

  it('an added paragraph is reported as an added line and is meaningful', () => {
    const before = pageText(page('1', ['A']), { exclude: ['.banner'] });
    const after = pageText(page('1', ['A'], '<p>New: licence exception for <i>gallium</i> revoked.</p>'), {
      exclude: ['.banner'],
    });
    for (const insensitive of [true, false]) {
      const diff = diffPage(before, after, insensitive);
      expect(diff).toEqual({ added: ['New: licence exception for gallium revoked.'], removed: [] });
      expect(isMeaningfulChange(diff)).toBe(true);
    }
  });

  it('counts duplicates as a multiset', () => {
    expect(diffPage(['x', 'x', 'y'], ['x', 'y'], true)).toEqual({ added: [], removed: ['x'] });
  });

  it('keeps digit changes that are content: a rate, a deadline, a counter without a label', () => {
    expect(isMeaningfulChange({ added: ['Tariff rate: 50%'], removed: ['Tariff rate: 25%'] })).toBe(true);
    expect(
      isMeaningfulChange({ added: ['Comments due by March 10, 2026'], removed: ['Comments due by March 3, 2026'] }),
    ).toBe(true);
    expect(isMeaningfulChange({ added: ['Page views: 1,205'], removed: ['Page views: 1,204'] })).toBe(false);
    expect(
      isMeaningfulChange({ added: ['Page last reviewed: 11/24/2026'], removed: ['Page last reviewed: 11/20/2026'] }),
    ).toBe(false);
    expect(isMeaningfulChange({ added: ['Last updated 10:47', 'New rule'], removed: ['Last updated 10:32'] })).toBe(
      true,
    );
    expect(isMeaningfulChange({ added: [], removed: [] })).toBe(false);
  });
});
