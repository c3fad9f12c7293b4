import { Fragment } from 'preact';
import { ApiError, getJson } from '../api';
import {
  ErrorMessage,
  label,
  Loading,
  PageTitle,
  PriorityBadge,
  Time,
  useLoad,
  useNames,
  type Loaded,
} from '../common';
import type { DocumentVersion, DocumentVersions, Evidence, RadarDocument, ScoredTag, TextDiff } from '../types';

const CONTEXT = 80;

const IDENTIFIER_NAMES: Record<string, string> = {
  frDocumentNumbers: 'Federal Register document numbers',
  frCitations: 'Federal Register citations',
  dockets: 'Dockets',
  rins: 'RINs',
  cfrParts: 'CFR parts',
  bills: 'Bills',
};

/** The words around a piece of evidence, with the matched phrase marked. */
function EvidenceExcerpt({ doc, evidence }: { doc: RadarDocument; evidence: Evidence }) {
  const text = doc[evidence.field] ?? '';
  let at = evidence.offset;
  if (text.slice(at, at + evidence.phrase.length).toLowerCase() !== evidence.phrase.toLowerCase()) {
    at = text.toLowerCase().indexOf(evidence.phrase.toLowerCase());
  }
  if (at < 0) return <mark>{evidence.phrase}</mark>;
  // Whole words around the phrase, about CONTEXT characters each side.
  let start = Math.max(0, at - CONTEXT);
  if (start > 0) start = Math.min(at, text.indexOf(' ', start) + 1 || at);
  let end = Math.min(text.length, at + evidence.phrase.length + CONTEXT);
  if (end < text.length) end = Math.max(at + evidence.phrase.length, text.lastIndexOf(' ', end));
  return (
    <>
      {start > 0 ? '…' : ''}
      {text.slice(start, at)}
      <mark>{text.slice(at, at + evidence.phrase.length)}</mark>
      {text.slice(at + evidence.phrase.length, end)}
      {end < text.length ? '…' : ''}
    </>
  );
}

function TagEvidence({ doc, tags, name }: { doc: RadarDocument; tags: ScoredTag[]; name: (id: string) => string }) {
  return (
    <ul class="evidence-list">
      {tags.map((tag) => (
        <li key={tag.id}>
          <h3>
            {name(tag.id)} <span class="muted small">score {tag.score.toFixed(2)}</span>
          </h3>
          {tag.evidence.length === 0 ? (
            <p class="muted">No phrase recorded.</p>
          ) : (
            <ul>
              {tag.evidence.map((e, i) => (
                <li key={i} class="evidence">
                  <span class="evidence-field">{label(e.field)}:</span> <EvidenceExcerpt doc={doc} evidence={e} />
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}

function DiffLines({ diff }: { diff: TextDiff }) {
  return (
    <pre class="diff" aria-label="Changes">
      {diff.removed.map((line, i) => (
        <span key={`r${i}`} class="removed">
          <span class="visually-hidden">Removed: </span>- {line}
          {'\n'}
        </span>
      ))}
      {diff.added.map((line, i) => (
        <span key={`a${i}`} class="added">
          <span class="visually-hidden">Added: </span>+ {line}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

/** A unified-diff-like text: `+` lines added, `-` lines removed, the rest context. */
function DiffText({ text }: { text: string }) {
  return (
    <pre class="diff" aria-label="Changes">
      {text.split('\n').map((line, i) => {
        const kind =
          line.startsWith('+') && !line.startsWith('+++')
            ? 'added'
            : line.startsWith('-') && !line.startsWith('---')
              ? 'removed'
              : 'context';
        return (
          <span key={i} class={kind}>
            {kind !== 'context' && <span class="visually-hidden">{kind === 'added' ? 'Added: ' : 'Removed: '}</span>}
            {line}
            {'\n'}
          </span>
        );
      })}
    </pre>
  );
}

function Version({ version, current }: { version: DocumentVersion; current: number }) {
  return (
    <li>
      <h3>
        Version {version.version}
        {version.version === current ? ' (shown)' : ''}
      </h3>
      <p class="meta">
        Indexed <Time value={version.indexedAt} withTime /> ·{' '}
        <span class="mono">{version.contentHash.slice(0, 12)}</span>
        {version.title ? <> · {version.title}</> : null}
      </p>
      {version.diff === undefined ? (
        <p class="muted small">{version.version === 1 ? 'First version.' : 'No diff recorded.'}</p>
      ) : typeof version.diff === 'string' ? (
        <DiffText text={version.diff} />
      ) : (
        <DiffLines diff={version.diff} />
      )}
    </li>
  );
}

function Versions({ versions, doc }: { versions: Loaded<DocumentVersions | null>; doc: RadarDocument }) {
  if (versions.state === 'loading') return <Loading what="versions" />;
  if (versions.state === 'error') return <ErrorMessage message={versions.message} />;
  if (versions.data === null || versions.data.versions.length === 0) {
    return (
      <>
        <p>No history yet: this is version {doc.version}.</p>
        {doc.diff && (
          <>
            <p>Changes from the previous version:</p>
            <DiffLines diff={doc.diff} />
          </>
        )}
      </>
    );
  }
  return (
    <ol class="versions">
      {versions.data.versions.map((v) => (
        <Version key={v.version} version={v} current={doc.version} />
      ))}
    </ol>
  );
}

export function DocumentPage({ id }: { id: string }) {
  const names = useNames();
  const doc = useLoad((signal) => getJson<RadarDocument>(`/api/documents/${encodeURIComponent(id)}`, { signal }), id);
  const versions = useLoad(
    (signal) =>
      getJson<DocumentVersions>(`/api/documents/${encodeURIComponent(id)}/versions`, { signal }).catch(
        (error: unknown) => {
          if (error instanceof ApiError && error.status === 404) return null;
          throw error;
        },
      ),
    id,
  );

  if (doc.state === 'loading') {
    return (
      <>
        <PageTitle title="Document">Document</PageTitle>
        <Loading what="the document" />
      </>
    );
  }
  if (doc.state === 'error') {
    return (
      <>
        <PageTitle title="Document">Document</PageTitle>
        <ErrorMessage message={doc.message} />
        <p>
          <a href="/search">Back to search</a>
        </p>
      </>
    );
  }
  const d = doc.data;
  const identifiers = Object.entries(d.identifiers ?? {}).filter(([, v]) => v && v.length > 0);
  return (
    <article class="document" aria-labelledby="page-title">
      <PageTitle title={d.title}>{d.title || '(untitled)'}</PageTitle>
      <p class="meta">
        {d.sourceName} · published <Time value={d.publishedAt} /> · {label(d.docType)} · version {d.version}
        {d.priority !== 'none' && (
          <>
            {' '}
            · <PriorityBadge priority={d.priority} />
          </>
        )}
      </p>
      <p>
        <a href={d.url} rel="noopener noreferrer" target="_blank">
          Read at the source<span class="visually-hidden"> (opens in a new tab)</span>
        </a>
      </p>
      {d.priorityReason && <p class="muted">Priority: {d.priorityReason}</p>}
      {d.summary && <p class="summary">{d.summary}</p>}

      <section aria-labelledby="tags-title">
        <h2 id="tags-title">Tags and their evidence</h2>
        {d.subSectors.length === 0 && d.advocacyGoals.length === 0 && <p>No sub-sector or goal tags.</p>}
        {d.subSectors.length > 0 && (
          <>
            <h3 class="subhead">Sub-sectors</h3>
            <TagEvidence doc={d} tags={d.subSectors} name={names.sector} />
          </>
        )}
        {d.advocacyGoals.length > 0 && (
          <>
            <h3 class="subhead">Advocacy goals</h3>
            <TagEvidence doc={d} tags={d.advocacyGoals} name={names.goal} />
          </>
        )}
        <dl class="facts">
          <dt>Focus areas</dt>
          <dd>{d.focusAreas.map(names.area).join(', ') || '—'}</dd>
          <dt>Agencies</dt>
          <dd>{d.agencies.join(', ') || '—'}</dd>
          <dt>Policy events</dt>
          <dd>
            {d.policyEvents.length === 0
              ? '—'
              : d.policyEvents.map((e, i) => (
                  <span key={i} class="event">
                    {label(e.kind)}
                    {e.date && (
                      <>
                        {' '}
                        (<Time value={e.date} />)
                      </>
                    )}
                    {i < d.policyEvents.length - 1 ? ', ' : ''}
                  </span>
                ))}
          </dd>
          {identifiers.map(([name, values]) => (
            <Fragment key={name}>
              <dt>{IDENTIFIER_NAMES[name] ?? label(name)}</dt>
              <dd>{values!.join(', ')}</dd>
            </Fragment>
          ))}
          <dt>Fetched</dt>
          <dd>
            <Time value={d.fetchedAt} withTime />
          </dd>
        </dl>
      </section>

      <section aria-labelledby="versions-title">
        <h2 id="versions-title">Versions and changes</h2>
        <Versions versions={versions} doc={d} />
      </section>

      {d.body && (
        <section aria-labelledby="text-title">
          <h2 id="text-title">Text</h2>
          <details>
            <summary>Show the full text ({d.body.length.toLocaleString()} characters)</summary>
            <div class="body-text">{d.body}</div>
          </details>
        </section>
      )}
    </article>
  );
}
