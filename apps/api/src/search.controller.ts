import { Body, Controller, Get, NotFoundException, Param, Patch, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Alert, ALERT_STATES, DocumentVersion, parseQuery, RadarDocument } from '@radar/core';
import { AlertPage, FACET_NAMES, SearchIndex, SearchResult } from '@radar/search';
import { z } from 'zod';
import { ApiAlertFilters, ApiBadRequest, ApiNotFound, ApiPaging, object } from './ops/openapi.decorators';
import { validate } from './validation';
import { alertFilterParams, toAlertFilter } from './alert-filters';
import { Roles } from './auth/access.decorators';
import type { AuthenticatedRequest } from './auth/api-access.guard';

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

const alertParams = alertFilterParams.extend({ limit, cursor });

@Controller('api')
export class SearchController {
  constructor(private readonly index: SearchIndex) {}

  /** Full-text search in the query language, with facets. A bad query is a 400 with its position. */
  @Get('search')
  @Roles('analyst', 'policy')
  @ApiTags('search')
  @ApiOperation({
    summary: 'Search documents',
    description:
      'Full-text search in the query language (words, "phrases", AND/OR/NOT, parentheses, field:value filters such as sector:, type:, agency:, source:), with facets and an optional date histogram.',
  })
  @ApiQuery({ name: 'q', required: false, type: 'string', description: 'Query; empty: every document, newest first.' })
  @ApiQuery({
    name: 'sort',
    required: false,
    enum: ['relevance', 'date'],
    description: 'Default: relevance for a query, date otherwise.',
  })
  @ApiPaging()
  @ApiQuery({
    name: 'facets',
    required: false,
    type: 'string',
    description: `Comma-separated facets to count (default: all): ${FACET_NAMES.join(', ')}.`,
  })
  @ApiQuery({
    name: 'histogram',
    required: false,
    enum: ['day', 'week', 'month'],
    description: 'Counts per interval of publication date.',
  })
  @ApiQuery({
    name: 'tz',
    required: false,
    type: 'string',
    description: 'IANA time zone of histogram buckets (default UTC).',
  })
  @ApiOkResponse({
    description: 'Matching documents with snippets, facet counts and the next page cursor.',
    schema: object(
      {
        total: { type: 'integer' },
        totalIsLowerBound: { type: 'boolean' },
        hits: {
          type: 'array',
          items: object({ document: { type: 'object' }, snippet: { type: 'string' }, score: { type: 'number' } }),
        },
        nextCursor: { type: 'string' },
        facets: {
          type: 'object',
          additionalProperties: {
            type: 'array',
            items: object({ value: { type: 'string' }, count: { type: 'integer' } }),
          },
        },
        histogram: { type: 'array', items: { type: 'object' } },
      },
      ['total', 'hits', 'facets'],
    ),
  })
  @ApiBadRequest('Invalid parameters, or a malformed query (with its `position`), cursor or time zone.')
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
  @Roles('analyst', 'policy')
  @ApiTags('search')
  @ApiOperation({ summary: 'One document with its classification' })
  @ApiParam({ name: 'id', description: 'Document id.' })
  @ApiOkResponse({ description: 'The document.', schema: { type: 'object' } })
  @ApiNotFound('No document with this id.')
  async document(@Param('id') id: string): Promise<RadarDocument> {
    const doc = await this.index.getDocument(id);
    if (!doc) throw new NotFoundException(`no document with id ${id}`);
    return doc;
  }

  /** Every version of a document, newest first, with its text and what changed from the one before. */
  @Get('documents/:id/versions')
  @Roles('analyst', 'policy')
  @ApiTags('search')
  @ApiOperation({
    summary: 'A document’s version history',
    description:
      'Every version of the document, newest first: a new version exists when its title, summary, body or URL changed (a re-tag is not a version). Each has its text and its diff against the version before (none on the first).',
  })
  @ApiParam({ name: 'id', description: 'Document id.' })
  @ApiOkResponse({
    description: 'The document id and its versions, newest first.',
    schema: object(
      {
        documentId: { type: 'string' },
        versions: {
          type: 'array',
          items: object(
            {
              version: { type: 'integer', minimum: 1 },
              contentHash: { type: 'string' },
              title: { type: 'string' },
              summary: { type: 'string' },
              body: { type: 'string' },
              url: { type: 'string' },
              indexedAt: { type: 'string', format: 'date-time' },
              publishedAt: { type: 'string' },
              diff: object(
                {
                  added: { type: 'array', items: { type: 'string' } },
                  removed: { type: 'array', items: { type: 'string' } },
                },
                ['added', 'removed'],
              ),
            },
            ['version', 'contentHash', 'title', 'summary', 'body', 'url', 'indexedAt'],
          ),
        },
      },
      ['documentId', 'versions'],
    ),
  })
  @ApiNotFound('No document with this id.')
  async versions(@Param('id') id: string): Promise<{ documentId: string; versions: DocumentVersion[] }> {
    const versions = await this.index.listDocumentVersions(id);
    if (versions.length === 0) throw new NotFoundException(`no document with id ${id}`);
    return { documentId: id, versions };
  }

  /** The policy team's alert feed, newest first. */
  @Get('alerts')
  @Roles('policy', 'analyst')
  @ApiTags('alerts')
  @ApiOperation({
    summary: 'The alert feed, newest first',
    description: 'Alerts raised for documents reporting a policy action in a tracked sub-sector.',
  })
  @ApiAlertFilters()
  @ApiPaging()
  @ApiOkResponse({
    description: 'A page of alerts.',
    schema: object({ alerts: { type: 'array', items: { type: 'object' } }, nextCursor: { type: 'string' } }, [
      'alerts',
    ]),
  })
  @ApiBadRequest()
  async alerts(@Query() raw: unknown): Promise<AlertPage> {
    const { limit, cursor, ...filters } = validate(alertParams, raw);
    return this.index.listAlerts({ ...toAlertFilter(filters), limit, cursor });
  }

  /** Triage: new, reviewed, dismissed or acted, with who and when. */
  @Patch('alerts/:id')
  @Roles('policy')
  @ApiTags('alerts')
  @ApiOperation({
    summary: 'Triage an alert',
    description: 'Sets its state (new, reviewed, dismissed or acted), with who and when.',
  })
  @ApiParam({ name: 'id', description: 'Alert id.' })
  @ApiBody({
    schema: object(
      {
        state: { type: 'string', enum: [...ALERT_STATES] },
        by: { type: 'string', maxLength: 200, description: "Who triaged it (default: the API key's name)." },
      },
      ['state'],
    ),
  })
  @ApiOkResponse({ description: 'The updated alert.', schema: { type: 'object' } })
  @ApiBadRequest()
  @ApiNotFound('No alert with this id.')
  async triage(@Param('id') id: string, @Body() body: unknown, @Req() req: AuthenticatedRequest): Promise<Alert> {
    const { state, by } = validate(triageBody, body ?? {});
    // Who: as given, or the name of the key that made the request.
    const alert = await this.index.setAlertState(id, state, by ?? req.apiKey?.name);
    if (!alert) throw new NotFoundException(`no alert with id ${id}`);
    return alert;
  }
}
