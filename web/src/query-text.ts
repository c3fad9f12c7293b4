/** Editing query-language text from the UI: facet clauses and the published-date range. */

const BARE_VALUE = /^[^\s()"]+$/;

/** `field:value`, quoted when the value has spaces or parentheses; null when it cannot be written. */
export function fieldClause(field: string, value: string): string | null {
  if (value === '' || value.includes('"')) return null;
  return `${field}:${BARE_VALUE.test(value) && !value.endsWith('*') ? value : `"${value}"`}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function clausePattern(clause: string): RegExp {
  return new RegExp(`(^|\\s)${escapeRegExp(clause)}(?=\\s|$)`, 'i');
}

export function hasClause(query: string, clause: string): boolean {
  return clausePattern(clause).test(query);
}

/** Adds the clause (ANDed), or removes it when the query has it already. */
export function toggleClause(query: string, clause: string): string {
  if (hasClause(query, clause)) return query.replace(clausePattern(clause), '$1').replace(/\s+/g, ' ').trim();
  return `${query.trim()} ${clause}`.trim();
}

const PUBLISHED_RANGE = /(^|\s)published:\[[^\]]*\]/i;

/** Narrows the query to publication dates from..to (inclusive), replacing an earlier range. */
export function withPublishedRange(query: string, from: string, to: string): string {
  const clause = `published:[${from} TO ${to}]`;
  const base = query.replace(PUBLISHED_RANGE, '$1').replace(/\s+/g, ' ').trim();
  return `${base} ${clause}`.trim();
}
