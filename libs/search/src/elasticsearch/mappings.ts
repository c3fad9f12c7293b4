/**
 * Index names, analysis settings and explicit mappings of the Elasticsearch adapter.
 *
 * Text: `title`, `summary` and `body` use `radar_text`, which mirrors the FTS5 tokenizer of the
 * embedded index and the in-memory evaluator (`unicode61 remove_diacritics 2`): a token is a run
 * of letters/digits (Unicode L, N, Co), lower-cased and accent-folded. So `reactor` does not
 * match `reactors`, as the conformance suite requires. Each also has an `.english` subfield
 * (the `english` analyzer: stemming, stop words; positions indexed) for stemmed search later.
 * Known difference: `asciifolding` folds a few letters FTS5 keeps (ß → ss, æ → ae, ø → o).
 *
 * Keywords: each keyword field holds the values as written (facets show them that way) with a
 * `.norm` subfield (lower-cased, trimmed normaliser) that filters compare against.
 */
import type { estypes } from '@elastic/elasticsearch';

export interface IndexNames {
  prefix: string;
  /** Template name and pattern for versioned document indices. */
  documentsTemplate: string;
  documentsPattern: string;
  documentsRead: string;
  documentsWrite: string;
  /** Earlier versions of documents, one per version (see `listDocumentVersions`). */
  documentVersions: string;
  subscriptions: string;
  alerts: string;
  deliveries: string;
  feedback: string;
  /** Near-duplicate collapse keys, one document per key (see `claimAlertKeys`). */
  alertKeys: string;
  apiKeys: string;
  documentsVersion(n: number): string;
}

export function indexNames(prefix: string): IndexNames {
  if (!/^[a-z0-9][a-z0-9_-]{0,60}$/.test(prefix)) {
    throw new Error(
      `Elasticsearch index prefix must be lower-case letters, digits, _ or - (got ${JSON.stringify(prefix)})`,
    );
  }
  return {
    prefix,
    documentsTemplate: `${prefix}-documents`,
    documentsPattern: `${prefix}-documents-v*`,
    documentsRead: `${prefix}-documents-read`,
    documentsWrite: `${prefix}-documents-write`,
    documentVersions: `${prefix}-document-versions`,
    subscriptions: `${prefix}-subscriptions`,
    alerts: `${prefix}-alerts`,
    deliveries: `${prefix}-deliveries`,
    feedback: `${prefix}-feedback`,
    alertKeys: `${prefix}-alert-keys`,
    apiKeys: `${prefix}-api-keys`,
    documentsVersion: (n) => `${prefix}-documents-v${n}`,
  };
}

/** The version number of a versioned documents index name, or NaN. */
export function documentsIndexVersion(names: IndexNames, index: string): number {
  const m = new RegExp(`^${names.prefix.replace(/[-]/g, '\\-')}-documents-v(\\d+)$`).exec(index);
  return m ? Number(m[1]) : Number.NaN;
}

export const ANALYSIS: estypes.IndicesIndexSettingsAnalysis = {
  tokenizer: {
    radar_words: { type: 'pattern', pattern: '[^\\p{L}\\p{N}\\p{Co}]+' },
  },
  analyzer: {
    radar_text: { type: 'custom', tokenizer: 'radar_words', filter: ['lowercase', 'asciifolding'] },
  },
  normalizer: {
    radar_keyword: { type: 'custom', filter: ['lowercase', 'trim'] },
  },
};

/** Query-language keyword field -> document field in the index. */
export const KEYWORD_INDEX_FIELD = {
  sector: 'sector',
  area: 'area',
  goal: 'goal',
  type: 'type',
  agency: 'agency',
  source: 'source',
  event: 'event',
  priority: 'priority',
} as const;

const text: estypes.MappingProperty = {
  type: 'text',
  analyzer: 'radar_text',
  index_options: 'offsets',
  fields: { english: { type: 'text', analyzer: 'english', index_options: 'positions' } },
};
const tag: estypes.MappingProperty = {
  type: 'keyword',
  fields: { norm: { type: 'keyword', normalizer: 'radar_keyword' } },
};

/**
 * The searchable fields of a document. Also mapped in the subscriptions index, whose percolator
 * queries run against documents of this shape.
 */
export const DOCUMENT_FIELDS: Record<string, estypes.MappingProperty> = {
  id: { type: 'keyword' },
  contentHash: { type: 'keyword' },
  title: text,
  summary: text,
  body: text,
  /** Absent when the document has no usable date (it never matches a range). */
  publishedAt: { type: 'date' },
  /** Epoch ms of `publishedAt`, -1 when undated: the date sort key (never missing). */
  publishedMs: { type: 'long' },
  sector: tag,
  area: tag,
  goal: tag,
  type: tag,
  agency: tag,
  source: tag,
  event: tag,
  priority: tag,
};

/**
 * Earlier versions of documents: id `<document id>.v<version>`, the version's text, hash, dates
 * and diff, read back by id (realtime, no refresh needed). Not a search index.
 */
export function documentVersionsIndex(names: IndexNames): estypes.IndicesCreateRequest {
  return {
    index: names.documentVersions,
    mappings: {
      dynamic: false,
      properties: {
        documentId: { type: 'keyword' },
        version: { type: 'integer' },
      },
    },
  };
}

export function documentsTemplate(names: IndexNames): estypes.IndicesPutIndexTemplateRequest {
  return {
    name: names.documentsTemplate,
    index_patterns: [names.documentsPattern],
    priority: 500,
    template: {
      settings: { analysis: ANALYSIS, 'index.max_result_window': 10000 },
      mappings: {
        dynamic: 'strict',
        properties: {
          ...DOCUMENT_FIELDS,
          /** The rest of the RadarDocument (not indexed; text fields live above). */
          doc: { type: 'object', enabled: false },
        },
      },
    },
    _meta: { description: 'Policy Radar documents; versioned indices behind read/write aliases' },
  };
}

/** `subscription.target.kind`, to list webhook subscriptions (also put on indices created before it). */
export const SUBSCRIPTION_TARGET_FIELDS: Record<string, estypes.MappingProperty> = {
  target: { type: 'object', properties: { kind: { type: 'keyword' } } },
};

export function subscriptionsIndex(names: IndexNames): estypes.IndicesCreateRequest {
  const kw: estypes.MappingProperty = { type: 'keyword' };
  return {
    index: names.subscriptions,
    settings: { analysis: ANALYSIS },
    mappings: {
      dynamic: 'strict',
      properties: {
        ...DOCUMENT_FIELDS,
        percolate: { type: 'percolator' },
        /** The query has a relative date (`now-7d`): matched in memory, not by the percolator. */
        relative: { type: 'boolean' },
        subscription: {
          type: 'object',
          dynamic: false,
          properties: {
            id: kw,
            email: kw,
            query: kw,
            status: kw,
            confirmToken: kw,
            unsubscribeToken: kw,
            createdAt: kw,
            ...SUBSCRIPTION_TARGET_FIELDS,
          },
        },
      },
    },
  };
}

export function alertsIndex(names: IndexNames): estypes.IndicesCreateRequest {
  const kw: estypes.MappingProperty = { type: 'keyword' };
  const norm: estypes.MappingProperty = { type: 'keyword', normalizer: 'radar_keyword' };
  return {
    index: names.alerts,
    settings: { analysis: ANALYSIS },
    mappings: {
      dynamic: false,
      properties: {
        id: kw,
        documentId: kw,
        createdAt: { type: 'date' },
        updatedAt: { type: 'date' },
        publishedAt: { type: 'date', ignore_malformed: true },
        state: kw,
        priority: kw,
        docType: kw,
        subSectors: norm,
        focusAreas: norm,
        advocacyGoals: norm,
      },
    },
  };
}

export function feedbackIndex(names: IndexNames): estypes.IndicesCreateRequest {
  return {
    index: names.feedback,
    mappings: {
      dynamic: false,
      properties: {
        id: { type: 'keyword' },
        documentId: { type: 'keyword' },
        kind: { type: 'keyword' },
        label: { type: 'keyword' },
        createdAt: { type: 'date' },
      },
    },
  };
}

/** One document per collapse key, id = a hash of the key: created once (the first claim wins), re-pointed only by its creator. */
export function alertKeysIndex(names: IndexNames): estypes.IndicesCreateRequest {
  return {
    index: names.alertKeys,
    mappings: {
      dynamic: false,
      properties: {
        key: { type: 'keyword' },
        alertId: { type: 'keyword' },
        claimedAt: { type: 'date' },
      },
    },
  };
}

export function deliveriesIndex(names: IndexNames): estypes.IndicesCreateRequest {
  return {
    index: names.deliveries,
    mappings: {
      dynamic: false,
      properties: {
        id: { type: 'keyword' },
        subscriptionId: { type: 'keyword' },
        email: { type: 'keyword' },
        sentAt: { type: 'date' },
      },
    },
  };
}

/** API key records (the key's SHA-256, never the key), id = the key id. */
export function apiKeysIndex(names: IndexNames): estypes.IndicesCreateRequest {
  return {
    index: names.apiKeys,
    mappings: {
      dynamic: false,
      properties: {
        id: { type: 'keyword' },
        hash: { type: 'keyword' },
        role: { type: 'keyword' },
        name: { type: 'keyword' },
        createdAt: { type: 'date' },
        revokedAt: { type: 'date' },
      },
    },
  };
}
