import { z } from 'zod';

export const SOURCE_KINDS = ['rss', 'atom'] as const;
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
  })
  .strict();

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
