import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { defaultTaxonomy, type Subscription } from '@radar/core';
import { z } from 'zod';

/**
 * What an email subscription (POST /api/subscriptions) and a webhook subscription (POST
 * /api/webhooks) select alike: a query, taxonomy ids and the lowest priority. One definition for
 * the validation, the OpenAPI body and response fields, and the view.
 */

const taxonomy = defaultTaxonomy();

const MIN_PRIORITIES = ['low', 'medium', 'high'] as const;

/** A list of taxonomy ids, every one known. */
const idList = (known: readonly { id: string }[], what: string) => {
  const ids = new Set(known.map((k) => k.id));
  return z
    .array(z.string().max(100))
    .max(50)
    .optional()
    .superRefine((list, ctx) => {
      const unknown = (list ?? []).filter((id) => !ids.has(id));
      if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `unknown ${what}: ${unknown.join(', ')}` });
    });
};

/** zod fields of a create body: `z.object({ ...preferenceFields, ... })`. */
export const preferenceFields = {
  query: z.string().max(2000).default(''),
  sectors: idList(taxonomy.subSectors, 'sub-sector'),
  areas: idList(taxonomy.focusAreas, 'focus area'),
  goals: idList(taxonomy.advocacyGoals, 'advocacy goal'),
  minPriority: z.enum(MIN_PRIORITIES).default('low'),
};

/** OpenAPI properties of a create body, as `preferenceFields` accepts them. */
export const PREFERENCE_BODY_PROPERTIES: Record<string, SchemaObject> = {
  query: { type: 'string', maxLength: 2000, description: 'Query language; empty: every alert.', default: '' },
  sectors: { type: 'array', items: { type: 'string' }, maxItems: 50, description: 'Sub-sector ids.' },
  areas: { type: 'array', items: { type: 'string' }, maxItems: 50, description: 'Focus area ids.' },
  goals: { type: 'array', items: { type: 'string' }, maxItems: 50, description: 'Advocacy goal ids.' },
  minPriority: { type: 'string', enum: [...MIN_PRIORITIES], default: 'low' },
};

/** OpenAPI properties of `preferencesView`. */
export const PREFERENCE_VIEW_PROPERTIES: Record<string, SchemaObject> = {
  query: { type: 'string' },
  sectors: { type: 'array', items: { type: 'string' } },
  areas: { type: 'array', items: { type: 'string' } },
  goals: { type: 'array', items: { type: 'string' } },
  minPriority: { type: 'string', enum: [...MIN_PRIORITIES] },
};

/** A subscription's preferences as the API shows them, defaults filled in. */
export function preferencesView(s: Subscription) {
  return {
    query: s.query,
    sectors: s.sectors ?? [],
    areas: s.areas ?? [],
    goals: s.goals ?? [],
    minPriority: s.minPriority ?? 'low',
  };
}
