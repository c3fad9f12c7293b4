import { z } from 'zod';

export const SOURCE_KINDS = [
  'rss',
  'atom',
  'rdf',
  'jsonfeed',
  'federal-register',
  'regulations-gov',
  'congress',
  'bill-status',
  'html-list',
  'page-watch',
] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

const sourceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be kebab-case (a-z, 0-9, -), at most 64 characters'),
    name: z.string().min(1, 'must not be empty'),
    kind: z.enum(SOURCE_KINDS),
    url: z.string().refine(
      (v) => {
        try {
          return ['http:', 'https:'].includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      { message: 'must be an http or https URL' },
    ),
    intervalSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 86400),
    subSectors: z.array(z.string()).default([]),
    agencies: z.array(z.string()).default([]),
    requiresApiKey: z.boolean().default(false),
    enabled: z.boolean().default(true),
    /** Bounds of the adaptive interval (default: a quarter of, and eight times, intervalSeconds). */
    minIntervalSeconds: z.number().int().min(1).optional(),
    maxIntervalSeconds: z.number().int().min(1).optional(),
    /** Fetch each item's page and extract the article when the feed gives only a summary. */
    fetchFullText: z.boolean().default(false),
    /** Lets the source resolve to private, loopback or link-local addresses (off: SSRF guard). */
    allowPrivateNetwork: z.boolean().default(false),
    /** API pages read per crawl for paginated kinds. */
    maxPages: z.number().int().min(1).max(50).default(3),
    /** kind html-list: cheerio selectors, relative to each item for title, link, date, summary. */
    htmlList: z
      .object({
        item: z.string().min(1),
        title: z.string().min(1),
        link: z.string().min(1),
        date: z.string().min(1).optional(),
        summary: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** kind page-watch: what part of the page is watched, and what is noise. */
    pageWatch: z
      .object({
        include: z.array(z.string().min(1)).optional(),
        exclude: z.array(z.string().min(1)).optional(),
        reorderInsensitive: z.boolean().default(false),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((source, ctx) => {
    if (source.kind === 'html-list' && !source.htmlList) {
      ctx.addIssue({ code: 'custom', path: ['htmlList'], message: 'is required for kind html-list' });
    }
    if (
      source.minIntervalSeconds &&
      source.maxIntervalSeconds &&
      source.minIntervalSeconds > source.maxIntervalSeconds
    ) {
      ctx.addIssue({ code: 'custom', path: ['minIntervalSeconds'], message: 'must not exceed maxIntervalSeconds' });
    }
  });

/** A place Policy Radar watches. */
export type Source = z.output<typeof sourceSchema>;

export class SourceFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Source file ${file} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SourceFileError';
  }
}

function entryLabel(raw: unknown, index: number): string {
  const id = raw && typeof raw === 'object' && 'id' in raw ? (raw as { id: unknown }).id : undefined;
  return typeof id === 'string' ? `entry ${index + 1} (id "${id}")` : `entry ${index + 1}`;
}

/**
 * Validates a parsed source list: `{sources: [...]}` or a bare array. Every problem is reported
 * with its entry, so a file with an error is rejected whole with everything wrong in it.
 */
export function parseSources(data: unknown, file: string, knownSubSectors?: ReadonlySet<string>): Source[] {
  const list = Array.isArray(data)
    ? data
    : data && typeof data === 'object' && Array.isArray((data as { sources?: unknown }).sources)
      ? (data as { sources: unknown[] }).sources
      : undefined;
  if (!list) throw new SourceFileError(file, ['expected a list of sources, or an object with a "sources" list']);
  const problems: string[] = [];
  const sources: Source[] = [];
  const seen = new Map<string, number>();
  list.forEach((raw, index) => {
    const parsed = sourceSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.join('.');
        problems.push(`${entryLabel(raw, index)}: ${field ? `${field}: ` : ''}${issue.message}`);
      }
      return;
    }
    const source = parsed.data;
    const first = seen.get(source.id);
    if (first !== undefined)
      problems.push(`${entryLabel(raw, index)}: duplicate id, already used by entry ${first + 1}`);
    seen.set(source.id, index);
    if (knownSubSectors) {
      for (const s of source.subSectors) {
        if (!knownSubSectors.has(s)) problems.push(`${entryLabel(raw, index)}: subSectors: unknown sub-sector "${s}"`);
      }
    }
    sources.push(source);
  });
  if (list.length === 0) problems.push('the list of sources is empty');
  if (problems.length > 0) throw new SourceFileError(file, problems);
  return sources;
}
