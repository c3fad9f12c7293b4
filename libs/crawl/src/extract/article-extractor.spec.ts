import {
  ArticleExtractionError,
  estimateNesting,
  extractArticle,
  extractWithSelectors,
  prepareHtml,
} from './article-extractor';
import { loadHtml } from './html-text';
import { contentText, mainContentElement } from './main-content';

const NOW = new Date('2026-03-20T12:00:00Z');
const URL_PAGE = 'https://www.example.gov/news/2026/03/15/rare-earths?utm_source=rss#top';

const PARAGRAPHS = [
  'The Department of Energy announced a new funding opportunity for domestic rare earth element processing, aimed at reducing reliance on foreign supply chains.',
  'Applicants must demonstrate a pilot-scale separation facility and a plan to reach commercial production within five years of award.',
  'The notice of funding opportunity closes on May 1, and the department expects to make between five and ten awards in total.',
];

const ARTICLE = `<!doctype html>
<html lang="en-US"><head>
  <title>DOE funds rare earth processing | Example Agency</title>
  <meta property="og:site_name" content="Example Agency">
  <meta name="author" content="Jane Analyst">
  <link rel="canonical" href="/news/rare-earths-funding">
  <meta property="article:published_time" content="2026-03-15T14:00:00Z">
  <meta property="article:modified_time" content="2026-03-16T09:30:00Z">
</head><body>
  <nav><a href="/">Home</a> <a href="/news">News</a> <a href="/about">About</a></nav>
  <main><article>
    <h1>DOE funds rare earth processing</h1>
    ${PARAGRAPHS.map((p) => `<p>  ${p.replace(/ /g, '   \n ')}  </p>`).join('\n')}
    <p>Contact:<br>Office of Public Affairs<br><br>202-555-0100</p>
  </article></main>
  <aside class="related"><h2>Related</h2><ul><li><a href="/x">Another story about something else</a></li></ul></aside>
  <footer>Copyright Example Agency. All rights reserved.</footer>
</body></html>`;

describe('extractArticle', () => {
  it('extracts text as normalised paragraphs, with title, metadata, canonical URL and dates', () => {
    const article = extractArticle(ARTICLE, URL_PAGE, NOW);
    expect(article.extractor).toBe('readability');
    expect(article.title).toBe('DOE funds rare earth processing');
    expect(article.text.split('\n\n')).toEqual(
      expect.arrayContaining([...PARAGRAPHS, 'Contact:\nOffice of Public Affairs', '202-555-0100']),
    );
    expect(article.text).not.toMatch(/Home|Copyright|Another story/);
    expect(article.text).not.toMatch(/ {2}|\n{3}/);
    expect(article).toMatchObject({
      byline: 'Jane Analyst',
      siteName: 'Example Agency',
      lang: 'en-US',
      canonicalUrl: 'https://www.example.gov/news/rare-earths-funding',
      publishedAt: '2026-03-15T14:00:00.000Z',
      modifiedAt: '2026-03-16T09:30:00.000Z',
    });
    expect(article.excerpt).toBeTruthy();
    expect(article.truncated).toBeUndefined();
  });

  it('uses the cheerio heuristics when Readability is not used, with the same metadata', () => {
    const article = extractArticle(ARTICLE, URL_PAGE, NOW, { maxElements: 5 });
    expect(article.extractor).toBe('heuristic');
    expect(article.text.split('\n\n')).toEqual(expect.arrayContaining(PARAGRAPHS));
    expect(article.text).not.toMatch(/Home|Copyright|Another story/);
    expect(article.title).toBe('DOE funds rare earth processing'); // the site name suffix removed
    expect(article.publishedAt).toBe('2026-03-15T14:00:00.000Z');
  });

  it('throws ArticleExtractionError for a URL that is not absolute http(s) and for a page without text', () => {
    expect(() => extractArticle(ARTICLE, '/news/1', NOW)).toThrow(ArticleExtractionError);
    expect(() => extractArticle(ARTICLE, 'file:///etc/passwd', NOW)).toThrow(ArticleExtractionError);
    expect(() => extractArticle('<html><body><script>x()</script></body></html>', URL_PAGE, NOW)).toThrow(
      /No article text/,
    );
  });
});

describe('mainContentElement (the heuristics)', () => {
  const text = (html: string): string => contentText(mainContentElement(loadHtml(html)));

  it('prefers article, [role=main] and main when they hold enough text', () => {
    const body = PARAGRAPHS.map((p) => `<p>${p}</p>`).join('');
    expect(text(`<div><p>${'menu '.repeat(80)}</p></div><div role="main">${body}</div>`)).toBe(PARAGRAPHS.join('\n\n'));
  });

  it('otherwise takes the largest block of paragraph text, without link-heavy or hidden blocks', () => {
    const html =
      '<body><div id="links">' +
      '<p><a href="/1">A long list of links that is not the article at all, really not</a></p>'.repeat(10) +
      '</div><div class="story-body">' +
      PARAGRAPHS.map((p) => `<p>${p}</p>`).join('') +
      '<div class="share-bar"><p>Share this on every social network you can think of today</p></div>' +
      '<p hidden>Hidden text that a reader never sees on the page at all</p>' +
      '</div></body>';
    expect(text(html)).toBe(PARAGRAPHS.join('\n\n'));
  });

  it('counts text written between <br>s straight into a div', () => {
    const html = `<body><div>short</div><div>${PARAGRAPHS.join('<br><br>')}</div></body>`;
    expect(text(html)).toBe(PARAGRAPHS.join('\n\n'));
  });
});

describe('extractWithSelectors', () => {
  const html = `<html><head><title>Site title</title></head><body>
    <div class="headline">Rule text</div>
    <span class="when" data-x="1">Published 15 March 2026</span>
    <div class="body"><p>First paragraph.</p><div class="ad">Buy now</div><p>Second paragraph.</p></div>
    <div class="body"><p>Third paragraph.</p></div>
  </body></html>`;

  it('takes every content match, removes what it is told, reads title and date', () => {
    const article = extractWithSelectors(
      html,
      'https://example.com/rule',
      { content: '.body', title: '.headline', date: '.when', remove: ['.ad'] },
      NOW,
    );
    expect(article).toMatchObject({
      title: 'Rule text',
      text: 'First paragraph.\n\nSecond paragraph.\n\nThird paragraph.',
      extractor: 'selectors',
      canonicalUrl: 'https://example.com/rule',
    });
    expect(article.publishedAt).toBe('2026-03-15T00:00:00.000Z');
    const dated = html.replace('<span class="when" data-x="1">', '<time class="when" datetime="2026-03-14">');
    expect(
      extractWithSelectors(dated, 'https://example.com/rule', { content: '.body', date: '.when' }, NOW),
    ).toMatchObject({
      title: 'Site title',
      publishedAt: '2026-03-14T00:00:00.000Z', // the datetime attribute before the text
    });
  });

  it('throws ArticleExtractionError when the content selector matches nothing or a selector is invalid', () => {
    expect(() => extractWithSelectors(html, 'https://example.com/rule', { content: '.missing' })).toThrow(
      ArticleExtractionError,
    );
    expect(() => extractWithSelectors(html, 'https://example.com/rule', { content: 'div[' })).toThrow(
      ArticleExtractionError,
    );
  });
});

describe('hostile pages', () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>).__radarPwned;
  });

  it('never runs scripts, event handlers or javascript: URLs, and keeps their code out of the text', () => {
    const html = `<html><head><script>globalThis.__radarPwned = 'head'</script></head>
      <body onload="globalThis.__radarPwned = 'onload'">
      <article>${PARAGRAPHS.map((p) => `<p>${p}</p>`).join('')}
      <img src="x:y" onerror="globalThis.__radarPwned = 'onerror'">
      <iframe src="javascript:globalThis.__radarPwned='iframe'"></iframe>
      <script>globalThis.__radarPwned = 'body'; document.write('<p>injected</p>')</script>
      <noscript><p>Enable JavaScript</p></noscript>
      </article></body></html>`;
    const article = extractArticle(html, URL_PAGE, NOW);
    expect((globalThis as Record<string, unknown>).__radarPwned).toBeUndefined();
    expect(article.text).not.toMatch(/radarPwned|injected|document\.write/);
    expect(article.text).toContain(PARAGRAPHS[0]);
  });

  it('refuses 100,000 nested elements quickly instead of parsing them', () => {
    const html = `<html><body>${'<div>'.repeat(100_000)}<p>deep</p>${'</div>'.repeat(100_000)}</body></html>`;
    const start = Date.now();
    expect(() => extractArticle(html, URL_PAGE, NOW)).toThrow(/nested about 100002 levels/);
    expect(Date.now() - start).toBeLessThan(5000);
  });

  it('reads a page nested too deep for Readability with the linear heuristics', () => {
    const html = `<html><body>${'<div>'.repeat(1000)}<p>${PARAGRAPHS[0]}</p>${'</div>'.repeat(1000)}</body></html>`;
    const article = extractArticle(html, URL_PAGE, NOW);
    expect(article).toMatchObject({ extractor: 'heuristic', text: PARAGRAPHS[0] });
  });

  it('caps a huge page: only the first maxHtmlLength characters are read, and it says so', () => {
    const para = `<p>${PARAGRAPHS[1]}</p>`;
    const html = `<html><body><article>${para.repeat(Math.ceil(12_000_000 / para.length))}</article></body></html>`;
    const start = Date.now();
    const article = extractArticle(html, URL_PAGE, NOW, { maxHtmlLength: 1_000_000 });
    expect(article.truncated).toBe(true);
    expect(article.text.length).toBeGreaterThan(500_000);
    expect(article.text.length).toBeLessThan(1_000_000);
    expect(Date.now() - start).toBeLessThan(30_000);
  });

  it('drops megabytes of script and unclosed script tags in one linear pass', () => {
    const junk = '<script>while (true) {}</script>'.repeat(50_000) + '<script>'.repeat(50_000);
    const html = `<html><body><article>${PARAGRAPHS.map((p) => `<p>${p}</p>`).join('')}</article>${junk}</body></html>`;
    const start = Date.now();
    const prepared = prepareHtml(html);
    expect(prepared.html).not.toContain('<script');
    expect(extractArticle(html, URL_PAGE, NOW).text).toBe(PARAGRAPHS.join('\n\n'));
    expect(Date.now() - start).toBeLessThan(10_000);
  });

  it('keeps JSON-LD scripts for the metadata', () => {
    const prepared = prepareHtml('<script type="application/ld+json">{"a":1}</script><script>x()</script><!-- c -->');
    expect(prepared.html).toBe('<script type="application/ld+json">{"a":1}</script>');
  });

  it('estimates nesting without counting void and optional-end tags', () => {
    expect(estimateNesting('<div><p>a<p>b<br><img src=x><ul><li>c<li>d</ul></div>')).toBe(2);
    expect(estimateNesting('<div><div><span/></div></div>')).toBe(2);
  });
});
