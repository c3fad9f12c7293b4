import { Body, Controller, Get, NotFoundException, Param, Patch, Query } from '@nestjs/common';
import { Alert, ALERT_STATES, DOC_TYPES, parseQuery, PRIORITIES, RadarDocument } from '@radar/core';
import { AlertPage, FACET_NAMES, SearchIndex, SearchResult } from '@radar/search';
import { z } from 'zod';
import { validate } from './validation';

const limit = z.coerce.number().int().min(1).max(100).optional();
const cursor = z.string().max(2000).optional();

const searchParams = z.object({
  q: z.string().max(2000).default(''),
  sort: z.enum(['relevance', 'date']).optional(),
  limit,
  cursor,
  facets: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((f) => f.trim()) : [...FACET_NAMES]))
    .pipe(z.array(z.enum(FACET_NAMES))),
  histogram: z.enum(['day', 'week', 'month']).optional(),
  tz: z.string().max(64).optional(),
});

const triageBody = z.object({
  state: z.enum(ALERT_STATES),
  by: z.string().trim().min(1).max(200).optional(),
});

const alertParams = z.object({
  sector: z.string().max(100).optional(),
  area: z.string().max(100).optional(),
  goal: z.string().max(100).optional(),
  priority: z.enum(PRIORITIES).optional(),
  type: z.enum(DOC_TYPES).optional(),
  state: z.enum(ALERT_STATES).optional(),
  since: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  limit,
  cursor,
});

@Controller('api')
export class SearchController {
  constructor(private readonly index: SearchIndex) {}

  /** Full-text search in the query language, with facets. A bad query is a 400 with its position. */
  @Get('search')
  async search(@Query() raw: unknown): Promise<SearchResult> {
    const params = validate(searchParams, raw);
    const query = parseQuery(params.q);
    return this.index.search({
      query,
      sort: params.sort ?? (query.kind === 'all' ? 'date' : 'relevance'),
      limit: params.limit,
      cursor: params.cursor,
      facets: params.facets,
      histogram: params.histogram ? { interval: params.histogram, timeZone: params.tz } : undefined,
    });
  }

  @Get('documents/:id')
  async document(@Param('id') id: string): Promise<RadarDocument> {
    const doc = await this.index.getDocument(id);
    if (!doc) throw new NotFoundException(`no document with id ${id}`);
    return doc;
  }

  /** The policy team's alert feed, newest first. */
  @Get('alerts')
  async alerts(@Query() raw: unknown): Promise<AlertPage> {
    const params = validate(alertParams, raw);
    const since = params.since ? new Date(params.since).toISOString() : undefined;
    return this.index.listAlerts({ ...params, since });
  }

  /** Triage: new, reviewed, dismissed or acted, with who and when. */
  @Patch('alerts/:id')
  async triage(@Param('id') id: string, @Body() body: unknown): Promise<Alert> {
    const { state, by } = validate(triageBody, body ?? {});
    const alert = await this.index.setAlertState(id, state, by);
    if (!alert) throw new NotFoundException(`no alert with id ${id}`);
    return alert;
  }
}
