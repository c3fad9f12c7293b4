/**
 * The sub-sector taxonomy: types, a validating parser and the bundled default.
 *
 * Everything about the taxonomy (ids, names, focus areas, vocabularies, disambiguation
 * phrases, agency names) is data in `libs/core/data/taxonomy.json`. Renaming, merging or
 * adding a sub-sector is a change to that file only. No I/O here: the JSON is bundled.
 */
import data from '../data/taxonomy.json';

/**
 * A weighted phrase. Weights run from just above 0 to 10: roughly 1 = weak hint that needs
 * support, 2 = typical vocabulary, 3 = strong, 4+ = decisive on its own.
 */
export interface VocabularyTerm {
  term: string;
  weight: number;
  /**
   * Tokens written with capitals must appear with exactly those capitals (a trailing plural
   * `s` is allowed), e.g. "NRC", "DOE", "API". Lower-case tokens of the same term still match
   * case-insensitively.
   */
  caseSensitive?: boolean;
}

export interface FocusArea {
  id: string;
  name: string;
  description?: string;
}

export interface SubSector {
  id: string;
  name: string;
  /** Id of a FocusArea. */
  focusArea: string;
  definition: string;
  terms: VocabularyTerm[];
  /**
   * Look-alike phrases ("crypto mining", "assault and battery"). A vocabulary match that
   * overlaps one is ignored, and each occurrence also counts against the sub-sector.
   */
  exclude?: string[];
  /** Phrases that only hide overlapping vocabulary matches ("cutting edge", "blue chip"). */
  mask?: string[];
  /** Raw score a document needs to be tagged; defaults to the classifier's threshold. */
  threshold?: number;
}

export interface AdvocacyGoal {
  id: string;
  name: string;
  description?: string;
  terms: VocabularyTerm[];
  exclude?: string[];
}

/** A federal agency, reported under its Federal Register-style name. */
export interface Agency {
  name: string;
  /** Names matched case-insensitively ("Department of Energy", "Energy Department"). */
  aliases: string[];
  /** Acronyms matched case-sensitively ("DOE"). */
  acronyms?: string[];
  /**
   * Ambiguous acronyms ("ITA", "ED", "OPM"), matched case-sensitively and reported only when
   * the same text also names this agency or one of its parents some other way.
   */
  contextAcronyms?: string[];
  /** Name of a parent agency reported alongside this one. */
  parent?: string;
}

export interface Taxonomy {
  version: string;
  focusAreas: FocusArea[];
  subSectors: SubSector[];
  advocacyGoals: AdvocacyGoal[];
  agencies?: Agency[];
}

const MAX_WEIGHT = 10;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasWordChar(s: string): boolean {
  return /[\p{L}\p{N}]/u.test(s);
}

class Problems {
  readonly list: string[] = [];
  add(msg: string): void {
    this.list.push(msg);
  }
}

function str(p: Problems, o: Obj, key: string, where: string, optional = false): string | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v.trim() === '') {
    p.add(`${where}: "${key}" must be a non-empty string`);
    return undefined;
  }
  return v;
}

function strList(p: Problems, o: Obj, key: string, where: string, caseSensitive = false): string[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) {
    p.add(`${where}: "${key}" must be an array of strings`);
    return undefined;
  }
  const out: string[] = [];
  const seen = new Set<string>();
  v.forEach((s, i) => {
    if (typeof s !== 'string' || !hasWordChar(s)) {
      p.add(`${where}: ${key}[${i}] must be a string containing a letter or digit`);
      return;
    }
    const k = caseSensitive ? s : s.toLowerCase();
    if (seen.has(k)) p.add(`${where}: duplicate ${key} entry "${s}"`);
    seen.add(k);
    out.push(s);
  });
  return out;
}

function terms(p: Problems, o: Obj, where: string): VocabularyTerm[] {
  const v = o['terms'];
  if (!Array.isArray(v) || v.length === 0) {
    p.add(`${where}: "terms" must be a non-empty array (empty vocabulary)`);
    return [];
  }
  const out: VocabularyTerm[] = [];
  const seen = new Set<string>();
  v.forEach((t, i) => {
    const at = `${where}: terms[${i}]`;
    if (!isObj(t)) {
      p.add(`${at} must be an object {term, weight}`);
      return;
    }
    const term = t['term'];
    const weight = t['weight'];
    const cs = t['caseSensitive'];
    let ok = true;
    if (typeof term !== 'string' || !hasWordChar(term)) {
      p.add(`${at}: "term" must be a string containing a letter or digit`);
      ok = false;
    }
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0 || weight > MAX_WEIGHT) {
      p.add(`${at}: bad weight ${JSON.stringify(weight)} (must be a number in (0, ${MAX_WEIGHT}])`);
      ok = false;
    }
    if (cs !== undefined && typeof cs !== 'boolean') {
      p.add(`${at}: "caseSensitive" must be a boolean`);
      ok = false;
    }
    if (!ok) return;
    const key = `${(term as string).toLowerCase()}|${cs === true}`;
    if (seen.has(key)) p.add(`${at}: duplicate term "${term as string}"`);
    seen.add(key);
    const vt: VocabularyTerm = { term: term as string, weight: weight as number };
    if (cs === true) vt.caseSensitive = true;
    out.push(vt);
  });
  return out;
}

function list(p: Problems, json: Obj, key: string, optional = false): unknown[] {
  const v = json[key];
  if (v === undefined && optional) return [];
  if (!Array.isArray(v)) {
    p.add(`"${key}" must be an array`);
    return [];
  }
  return v;
}

function checkUnique(p: Problems, what: string, ids: (string | undefined)[]): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (id === undefined) continue;
    if (seen.has(id)) p.add(`duplicate ${what} id "${id}"`);
    seen.add(id);
  }
}

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function id(p: Problems, o: Obj, where: string): string | undefined {
  const v = str(p, o, 'id', where);
  if (v !== undefined && !ID.test(v)) p.add(`${where}: id "${v}" must be kebab-case (a-z, 0-9, -)`);
  return v;
}

/**
 * Validates and normalises taxonomy JSON. Throws one Error that lists every problem found
 * (duplicate ids, unknown focus areas, empty vocabularies, bad weights, missing fields...).
 */
export function parseTaxonomy(json: unknown): Taxonomy {
  const p = new Problems();
  if (!isObj(json)) throw new Error('Invalid taxonomy:\n- root must be an object');

  const version = str(p, json, 'version', 'taxonomy') ?? '';

  const focusAreas: FocusArea[] = [];
  list(p, json, 'focusAreas').forEach((f, i) => {
    const where = `focusAreas[${i}]`;
    if (!isObj(f)) return p.add(`${where} must be an object`);
    const fid = id(p, f, where);
    const name = str(p, f, 'name', where);
    const description = str(p, f, 'description', where, true);
    if (fid === undefined || name === undefined) return;
    focusAreas.push(description === undefined ? { id: fid, name } : { id: fid, name, description });
  });
  if (focusAreas.length === 0) p.add('"focusAreas" must not be empty');
  checkUnique(
    p,
    'focus area',
    focusAreas.map((f) => f.id),
  );
  const faIds = new Set(focusAreas.map((f) => f.id));

  const subSectors: SubSector[] = [];
  list(p, json, 'subSectors').forEach((s, i) => {
    if (!isObj(s)) return p.add(`subSectors[${i}] must be an object`);
    const where = `subSectors[${i}]${typeof s['id'] === 'string' ? ` (${s['id']})` : ''}`;
    const sid = id(p, s, where);
    const name = str(p, s, 'name', where);
    const focusArea = str(p, s, 'focusArea', where);
    const definition = str(p, s, 'definition', where);
    const ts = terms(p, s, where);
    const exclude = strList(p, s, 'exclude', where);
    const mask = strList(p, s, 'mask', where);
    const threshold = s['threshold'];
    if (focusArea !== undefined && !faIds.has(focusArea)) {
      p.add(`${where}: unknown focus area "${focusArea}"`);
    }
    if (threshold !== undefined && (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold <= 0)) {
      p.add(`${where}: bad threshold ${JSON.stringify(threshold)} (must be a positive number)`);
    }
    if (sid === undefined || name === undefined || focusArea === undefined || definition === undefined) return;
    const sub: SubSector = { id: sid, name, focusArea, definition, terms: ts };
    if (exclude !== undefined) sub.exclude = exclude;
    if (mask !== undefined) sub.mask = mask;
    if (typeof threshold === 'number' && threshold > 0) sub.threshold = threshold;
    subSectors.push(sub);
  });
  if (subSectors.length === 0) p.add('"subSectors" must not be empty');
  checkUnique(
    p,
    'sub-sector',
    subSectors.map((s) => s.id),
  );

  const advocacyGoals: AdvocacyGoal[] = [];
  list(p, json, 'advocacyGoals').forEach((g, i) => {
    if (!isObj(g)) return p.add(`advocacyGoals[${i}] must be an object`);
    const where = `advocacyGoals[${i}]${typeof g['id'] === 'string' ? ` (${g['id']})` : ''}`;
    const gid = id(p, g, where);
    const name = str(p, g, 'name', where);
    const description = str(p, g, 'description', where, true);
    const ts = terms(p, g, where);
    const exclude = strList(p, g, 'exclude', where);
    if (gid === undefined || name === undefined) return;
    const goal: AdvocacyGoal = { id: gid, name, terms: ts };
    if (description !== undefined) goal.description = description;
    if (exclude !== undefined) goal.exclude = exclude;
    advocacyGoals.push(goal);
  });
  checkUnique(
    p,
    'advocacy goal',
    advocacyGoals.map((g) => g.id),
  );

  const agencies: Agency[] = [];
  list(p, json, 'agencies', true).forEach((a, i) => {
    if (!isObj(a)) return p.add(`agencies[${i}] must be an object`);
    const where = `agencies[${i}]${typeof a['name'] === 'string' ? ` (${a['name']})` : ''}`;
    const name = str(p, a, 'name', where);
    const aliases = strList(p, a, 'aliases', where) ?? [];
    const acronyms = strList(p, a, 'acronyms', where, true);
    const contextAcronyms = strList(p, a, 'contextAcronyms', where, true);
    const parent = str(p, a, 'parent', where, true);
    if (aliases.length === 0 && (acronyms ?? []).length === 0) p.add(`${where}: needs at least one alias or acronym`);
    if (name === undefined) return;
    const ag: Agency = { name, aliases };
    if (acronyms !== undefined) ag.acronyms = acronyms;
    if (contextAcronyms !== undefined) ag.contextAcronyms = contextAcronyms;
    if (parent !== undefined) ag.parent = parent;
    agencies.push(ag);
  });
  checkUnique(
    p,
    'agency',
    agencies.map((a) => a.name),
  );
  const agencyNames = new Set(agencies.map((a) => a.name));
  for (const a of agencies) {
    if (a.parent !== undefined && !agencyNames.has(a.parent)) p.add(`agency "${a.name}": unknown parent "${a.parent}"`);
  }

  for (const s of subSectors) {
    if (faIds.has(s.id)) p.add(`sub-sector id "${s.id}" clashes with a focus area id`);
  }
  for (const g of advocacyGoals) {
    if (faIds.has(g.id) || subSectors.some((s) => s.id === g.id))
      p.add(`advocacy goal id "${g.id}" clashes with another id`);
  }

  if (p.list.length > 0) {
    throw new Error(
      `Invalid taxonomy (${p.list.length} problem${p.list.length === 1 ? '' : 's'}):\n- ${p.list.join('\n- ')}`,
    );
  }
  const tax: Taxonomy = { version, focusAreas, subSectors, advocacyGoals };
  if (agencies.length > 0) tax.agencies = agencies;
  return tax;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Obj)[k]);
  }
  return v;
}

let cached: Taxonomy | undefined;

/** The bundled taxonomy, parsed and frozen once. */
export function defaultTaxonomy(): Taxonomy {
  cached ??= deepFreeze(parseTaxonomy(data));
  return cached;
}

interface Index {
  subSectors: Map<string, SubSector>;
  focusAreas: Map<string, FocusArea>;
  goals: Map<string, AdvocacyGoal>;
}

const indexes = new WeakMap<Taxonomy, Index>();

function indexOf(tax: Taxonomy): Index {
  let ix = indexes.get(tax);
  if (ix === undefined) {
    ix = {
      subSectors: new Map(tax.subSectors.map((s) => [s.id, s])),
      focusAreas: new Map(tax.focusAreas.map((f) => [f.id, f])),
      goals: new Map(tax.advocacyGoals.map((g) => [g.id, g])),
    };
    indexes.set(tax, ix);
  }
  return ix;
}

export function subSectorById(tax: Taxonomy, id: string): SubSector | undefined {
  return indexOf(tax).subSectors.get(id);
}

export function focusAreaById(tax: Taxonomy, id: string): FocusArea | undefined {
  return indexOf(tax).focusAreas.get(id);
}

export function advocacyGoalById(tax: Taxonomy, id: string): AdvocacyGoal | undefined {
  return indexOf(tax).goals.get(id);
}

/** The focus area a sub-sector belongs to (undefined for an unknown sub-sector id). */
export function focusAreaOf(tax: Taxonomy, subSectorId: string): FocusArea | undefined {
  const s = subSectorById(tax, subSectorId);
  return s === undefined ? undefined : focusAreaById(tax, s.focusArea);
}

/** Sub-sectors of one focus area, in taxonomy order. */
export function subSectorsOf(tax: Taxonomy, focusAreaId: string): SubSector[] {
  return tax.subSectors.filter((s) => s.focusArea === focusAreaId);
}
