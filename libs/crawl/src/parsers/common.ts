import type { DocumentIdentifiers, RawItem } from '@radar/core';
import { SourceParseError } from '../parser';
import { extractIdentifiers, isEmptyIdentifiers, mergeIdentifiers } from '../identifiers';

const DAY_MS = 86400000;
const EARLIEST = Date.UTC(1990, 0, 1);

/** An ISO timestamp, or undefined when the value is no date, more than a day ahead of `now`, or before 1990. */
export function plausibleDate(value: unknown, now: Date): string | undefined {
  if (typeof value !== 'string' || !value.trim()) return undefined;
  const t = Date.parse(value.trim());
  if (!Number.isFinite(t)) return undefined;
  if (t > now.getTime() + DAY_MS || t < EARLIEST) return undefined;
  return new Date(t).toISOString();
}

/** `link` made absolute against `base`; the trimmed input when it cannot be. */
export function resolveUrl(link: string, base: string): string {
  try {
    return new URL(link.trim(), base).toString();
  } catch {
    return link.trim();
  }
}

/** A string from a value of unknown shape: xml2js text nodes ({_: text}), arrays (first), numbers. */
export function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length ? str(value[0]) : '';
  if (value && typeof value === 'object' && '_' in value) return str((value as { _: unknown })._);
  return '';
}

/** A whitespace run other than one plain space: any other whitespace character first, or a space and more. */
const RUNS_TO_COLLAPSE = /[^\S ]\s*| \s+/g;

/**
 * Every whitespace run as one space, trimmed. Only the runs that are not already one plain space
 * are replaced: prose has hundreds of those per item, and a global replace of each of them
 * (`/\s+/g`) allocates about fourteen times the text; this runs for every field of every item.
 */
export function collapse(text: string): string {
  return text.replace(RUNS_TO_COLLAPSE, ' ').trim();
}

/** The YYYY-MM-DD of a date or timestamp. Timestamps are read in Washington's time zone, where
 * agencies set their deadlines ("2023-01-18T04:59:59Z" is the end of 17 January there). */
export function calendarDate(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const t = Date.parse(value);
  if (!Number.isFinite(t)) return undefined;
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date(t));
}

/** Decodes a JSON body (UTF-8, BOM tolerated) or fails with a SourceParseError naming the kind. */
export function readJson(body: Buffer, kind: string): unknown {
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SourceParseError(`not a readable ${kind} JSON document: ${(error as Error).message}`);
  }
}

export function asObject(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Completes an item: identifiers the source states structurally merged with those its text
 * states; optional fields left out when empty so items stay compact and comparable.
 */
export function finishItem(item: RawItem, known?: DocumentIdentifiers): RawItem {
  const identifiers = mergeIdentifiers(known, extractIdentifiers(`${item.title}\n${item.summary}\n${item.body}`));
  const out: RawItem = { ...item };
  if (!isEmptyIdentifiers(identifiers)) out.identifiers = identifiers;
  else delete out.identifiers;
  if (!out.agencies?.length) delete out.agencies;
  if (out.publishedAt === undefined) delete out.publishedAt;
  if (out.docTypeHint === undefined) delete out.docTypeHint;
  return out;
}
