import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';

/**
 * The web page: search with facets, the alert feed and a subscribe form, on the JSON API.
 * Everything from the API is inserted as text (never as HTML) except <mark> in snippets, which
 * the API escapes around.
 */
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Policy Radar</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
header{background:#0b2545;color:#fff;padding:.8rem 1.5rem}header h1{margin:0;font-size:1.3rem}
main{display:grid;grid-template-columns:14rem 1fr 22rem;gap:1.2rem;padding:1.2rem 1.5rem}
section{background:#fff;border-radius:8px;padding:1rem;box-shadow:0 1px 2px #0002}
input[type=search],input[type=email]{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
.hit{border-bottom:1px solid #eee;padding:.6rem 0}.hit a{font-weight:600}.tag{display:inline-block;background:#e7eefc;border-radius:4px;padding:0 .35rem;margin:.1rem;font-size:.8rem}
.facet button{border:0;background:none;color:#0b57d0;cursor:pointer;padding:0}.muted{color:#666;font-size:.85rem}.err{color:#b00020}
mark{background:#ffe58a}
</style></head>
<body><header><h1>Policy Radar</h1></header>
<main>
<section id="facets"><h2>Facets</h2><div id="facet-list" class="muted">Search to see facets.</div></section>
<section><form id="search-form"><input type="search" id="q" placeholder='e.g. "export controls" sector:semiconductors' autofocus></form>
<p id="status" class="muted"></p><div id="hits"></div></section>
<section><h2>Latest alerts</h2><div id="alerts" class="muted">Loading…</div>
<h2>Subscribe</h2><form id="sub-form"><input type="email" id="email" placeholder="you@example.org" required>
<input type="search" id="sub-q" placeholder="query (empty: every alert)"><button>Subscribe</button></form><p id="sub-status" class="muted"></p></section>
</main>
<script>
const $ = (id) => document.getElementById(id);
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
function tags(doc) { const d = el('div'); for (const s of doc.subSectors || []) d.append(el('span', s.id, 'tag')); return d; }
async function search() {
  const q = $('q').value; $('status').textContent = 'Searching…';
  const res = await fetch('/api/search?q=' + encodeURIComponent(q)); const body = await res.json();
  $('hits').replaceChildren();
  if (!res.ok) { $('status').textContent = body.message; $('status').className = 'err'; return; }
  $('status').className = 'muted'; $('status').textContent = body.total + ' documents';
  for (const hit of body.hits) {
    const d = el('div', undefined, 'hit'); const a = el('a', hit.document.title); a.href = hit.document.url; d.append(a);
    const s = el('div'); s.innerHTML = hit.snippet; d.append(s, tags(hit.document), el('div', hit.document.sourceName + ' · ' + hit.document.publishedAt.slice(0, 10), 'muted'));
    $('hits').append(d);
  }
  const list = $('facet-list'); list.replaceChildren(); list.className = 'facet';
  for (const [name, buckets] of Object.entries(body.facets || {})) {
    if (!buckets.length) continue; list.append(el('h3', name));
    for (const b of buckets) { const btn = el('button', b.value + ' (' + b.count + ')'); btn.onclick = () => { $('q').value = (q + ' ' + name + ':' + b.value).trim(); search(); }; list.append(btn, el('br')); }
  }
}
async function alerts() {
  const body = await (await fetch('/api/alerts?limit=15')).json(); const box = $('alerts'); box.replaceChildren(); box.className = '';
  if (!body.alerts.length) { box.append(el('p', 'No alerts yet.', 'muted')); return; }
  for (const a of body.alerts) { const d = el('div', undefined, 'hit'); const link = el('a', a.title); link.href = a.url; d.append(link, el('div', a.priority + ' · ' + a.reason, 'muted')); box.append(d); }
}
$('search-form').onsubmit = (e) => { e.preventDefault(); search(); };
$('sub-form').onsubmit = async (e) => { e.preventDefault();
  const res = await fetch('/api/subscriptions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: $('email').value, query: $('sub-q').value }) });
  const body = await res.json(); $('sub-status').textContent = Array.isArray(body.message) ? body.message.join('; ') : body.message; };
search(); alerts();
</script></body></html>`;

@ApiExcludeController()
@Controller()
export class WebController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
  index(): string {
    return PAGE;
  }
}
