/**
 * The SQLite schema, versioned with `PRAGMA user_version`. Each migration moves the database
 * from version i to i + 1 inside one immediate transaction; a database newer than this build is
 * refused rather than guessed at.
 */
import type { Database } from 'better-sqlite3';

/**
 * Version 1.
 * - `documents.doc_key` aliases the rowid (so VACUUM cannot renumber it) and is the FTS rowid;
 *   `id` is the document's stable id.
 * - `documents` is narrow (filter and sort columns only) so scans and the key lookups of broad
 *   full-text matches stay fast; the full document is JSON in `document_json`, read per hit.
 * - `docs_fts` is contentless (the text lives in `document_json`) with `contentless_delete`,
 *   so a re-upsert deletes and re-inserts its row. Positions are kept: phrases and NEAR work.
 * - `doc_tags` holds every keyword field (multi- and single-valued) lower-cased in `value` for
 *   filters, and as written in `label` for facets.
 * - `alert_tags` does the same for the alert filters on sector/area/goal.
 */
const V1 = `
CREATE TABLE documents (
  doc_key INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  version INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  source_id TEXT NOT NULL,
  published_at TEXT NOT NULL,
  doc_type TEXT NOT NULL,
  priority TEXT NOT NULL,
  indexed_at TEXT NOT NULL
);
CREATE INDEX documents_published ON documents (published_at DESC, id DESC);

CREATE TABLE document_json (
  doc_key INTEGER PRIMARY KEY REFERENCES documents (doc_key) ON DELETE CASCADE,
  json TEXT NOT NULL
);

CREATE VIRTUAL TABLE docs_fts USING fts5(
  title, summary, body,
  tokenize = 'unicode61 remove_diacritics 2',
  content = '',
  contentless_delete = 1
);

CREATE TABLE doc_tags (
  doc_key INTEGER NOT NULL REFERENCES documents (doc_key) ON DELETE CASCADE,
  field TEXT NOT NULL,
  value TEXT NOT NULL,
  label TEXT NOT NULL,
  PRIMARY KEY (field, value, doc_key)
) WITHOUT ROWID;
CREATE INDEX doc_tags_doc ON doc_tags (doc_key);

CREATE TABLE subscriptions (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  query TEXT NOT NULL,
  status TEXT NOT NULL,
  confirm_token TEXT NOT NULL,
  unsubscribe_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX subscriptions_email_query ON subscriptions (email, query);
CREATE INDEX subscriptions_confirm_token ON subscriptions (confirm_token);
CREATE INDEX subscriptions_unsubscribe_token ON subscriptions (unsubscribe_token);
CREATE INDEX subscriptions_status ON subscriptions (status);

CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  document_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  state TEXT NOT NULL,
  priority TEXT NOT NULL,
  doc_type TEXT NOT NULL,
  published_at TEXT NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX alerts_created ON alerts (created_at DESC, id DESC);

CREATE TABLE alert_tags (
  alert_id TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  field TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (field, value, alert_id)
) WITHOUT ROWID;
CREATE INDEX alert_tags_alert ON alert_tags (alert_id);

CREATE TABLE deliveries (
  id TEXT PRIMARY KEY,
  subscription_id TEXT NOT NULL,
  email TEXT NOT NULL,
  subject TEXT NOT NULL,
  sent_at TEXT NOT NULL
);
CREATE INDEX deliveries_subscription ON deliveries (subscription_id);
`;

/**
 * Version 2.
 * - `search_meta.subscriptions` counts subscription writes (triggers), so every connection (the
 *   API saves, the notifier matches) knows when its in-memory subscription matcher is stale.
 * - `subscriptions_created` orders `listSubscriptions`.
 */
const V2 = `
CREATE TABLE search_meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO search_meta (key, value) VALUES ('subscriptions', 0);
CREATE TRIGGER subscriptions_ins AFTER INSERT ON subscriptions
  BEGIN UPDATE search_meta SET value = value + 1 WHERE key = 'subscriptions'; END;
CREATE TRIGGER subscriptions_upd AFTER UPDATE ON subscriptions
  BEGIN UPDATE search_meta SET value = value + 1 WHERE key = 'subscriptions'; END;
CREATE TRIGGER subscriptions_del AFTER DELETE ON subscriptions
  BEGIN UPDATE search_meta SET value = value + 1 WHERE key = 'subscriptions'; END;
CREATE INDEX subscriptions_created ON subscriptions (created_at, id);
`;

/** MIGRATIONS[i] takes the schema from version i to i + 1. Append only. */
/** v3: readers' tag feedback. */
const V3 = `
CREATE TABLE feedback (
  id TEXT PRIMARY KEY,
  document_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX feedback_by_document ON feedback (document_id, created_at);
CREATE INDEX feedback_by_label ON feedback (label, created_at);
`;

/**
 * v4: version history. Each row is a version a content change replaced (the current version is
 * the document itself), written in the upsert's transaction and deleted with the document.
 */
const V4 = `
CREATE TABLE document_versions (
  doc_key INTEGER NOT NULL REFERENCES documents (doc_key) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (doc_key, version)
);
`;

/**
 * v5: near-duplicate collapse. Each collapse key (see `collapseKeys`) belongs to the alert that
 * claimed it first; the rowid orders claims (the earliest wins when a document's keys point to
 * several alerts).
 */
const V5 = `
CREATE TABLE alert_keys (
  key TEXT PRIMARY KEY,
  alert_id TEXT NOT NULL,
  claimed_at TEXT NOT NULL
);
CREATE INDEX alert_keys_alert ON alert_keys (alert_id);
`;

/** v6: API keys, stored by the SHA-256 of the key (the key itself is never stored). */
const V6 = `
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
`;

const MIGRATIONS: readonly string[] = [V1, V2, V3, V4, V5, V6];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database): void {
  const run = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION) {
      throw new Error(
        `Search database schema version ${current} is newer than this build supports (${SCHEMA_VERSION}); upgrade Policy Radar`,
      );
    }
    for (let v = current; v < SCHEMA_VERSION; v++) {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    }
  });
  run.immediate();
}
