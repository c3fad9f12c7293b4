import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { defaultTaxonomy, parseQuery } from '@radar/core';
import { SearchIndex } from '@radar/search';
import type { Response } from 'express';
import { z } from 'zod';
import { ApiBadRequest, object } from '../ops/openapi.decorators';
import { validate } from '../validation';
import { CSV_COLUMNS, EXPORT_CONTENT_TYPES, EXPORT_FORMATS, openExport, writeExport } from './document-export';
import { isTimeZone, TREND_INTERVALS } from './trend-buckets';
import { TREND_DIMENSIONS, Trends, TrendsService } from './trends.service';
import { Public, Roles } from '../auth/access.decorators';

const MAX_WEEKS = 260;
const q = z.string().max(2000).default('');

const trendsParams = z.object({
  by: z.enum(TREND_DIMENSIONS).default('sector'),
  interval: z.enum(TREND_INTERVALS).default('week'),
  q,
  weeks: z.coerce.number().int().min(1).max(MAX_WEEKS).default(12),
  tz: z.string().max(64).default('UTC').refine(isTimeZone, 'unknown IANA time zone'),
});

const exportParams = z.object({
  q,
  format: z.enum(EXPORT_FORMATS).default('csv'),
  /** Only date order: a keyset cursor pages any number of documents in constant work per page. */
  sort: z.enum(['date']).default('date'),
});

export interface TaxonomyView {
  version: string;
  focusAreas: { id: string; name: string; description?: string }[];
  subSectors: { id: string; name: string; focusArea: string; definition: string }[];
  advocacyGoals: { id: string; name: string }[];
}

const idName = { id: { type: 'string' }, name: { type: 'string' } } as const;

/** Issue 7: the taxonomy, trends over time, and exports of any search. */
@ApiTags('insights')
@Controller('api')
export class InsightsController {
  private readonly logger = new Logger('Export');
  private readonly taxonomy: TaxonomyView;

  constructor(
    private readonly index: SearchIndex,
    private readonly trendsService: TrendsService,
  ) {
    const tax = defaultTaxonomy();
    this.taxonomy = {
      version: tax.version,
      focusAreas: tax.focusAreas.map(({ id, name, description }) => ({ id, name, description })),
      subSectors: tax.subSectors.map(({ id, name, focusArea, definition }) => ({ id, name, focusArea, definition })),
      advocacyGoals: tax.advocacyGoals.map(({ id, name }) => ({ id, name })),
    };
  }

  @Get('taxonomy')
  @Public()
  @ApiOperation({
    summary: 'The taxonomy',
    description:
      'Focus areas, sub-sectors and advocacy goals with their ids (the values of sector:, area: and goal: in queries). Vocabularies are not included.',
  })
  @ApiOkResponse({
    description: 'The taxonomy.',
    schema: object(
      {
        version: { type: 'string' },
        focusAreas: { type: 'array', items: object({ ...idName, description: { type: 'string' } }, ['id', 'name']) },
        subSectors: {
          type: 'array',
          items: object({ ...idName, focusArea: { type: 'string' }, definition: { type: 'string' } }, [
            'id',
            'name',
            'focusArea',
            'definition',
          ]),
        },
        advocacyGoals: { type: 'array', items: object(idName, ['id', 'name']) },
      },
      ['version', 'focusAreas', 'subSectors', 'advocacyGoals'],
    ),
  })
  taxonomyView(): TaxonomyView {
    return this.taxonomy;
  }

  @Get('trends')
  @Roles('analyst', 'policy')
  @ApiOperation({
    summary: 'Matching documents per sub-sector, goal or area over time',
    description:
      'Counts of documents matching `q` per week or month of publication date, one series per taxonomy entry, over the current week and the `weeks - 1` before it. Every series has one count per bucket (zeros filled).',
  })
  @ApiQuery({ name: 'by', required: false, enum: [...TREND_DIMENSIONS], description: 'Series per (default sector).' })
  @ApiQuery({ name: 'interval', required: false, enum: [...TREND_INTERVALS], description: 'Bucket (default week).' })
  @ApiQuery({ name: 'q', required: false, type: 'string', description: 'Query; empty: every document.' })
  @ApiQuery({
    name: 'weeks',
    required: false,
    type: 'integer',
    description: `Window in weeks, 1-${MAX_WEEKS} (default 12).`,
  })
  @ApiQuery({
    name: 'tz',
    required: false,
    type: 'string',
    description: 'IANA time zone of the buckets (default UTC).',
  })
  @ApiOkResponse({
    description: 'Buckets (first local date of each, ascending) and one aligned series per key.',
    schema: object(
      {
        interval: { type: 'string', enum: [...TREND_INTERVALS] },
        buckets: { type: 'array', items: { type: 'string', format: 'date' } },
        series: {
          type: 'array',
          items: object(
            {
              key: { type: 'string' },
              name: { type: 'string' },
              counts: { type: 'array', items: { type: 'integer' } },
            },
            ['key', 'name', 'counts'],
          ),
        },
      },
      ['interval', 'buckets', 'series'],
    ),
  })
  @ApiBadRequest('Invalid parameters, an unknown time zone, or a malformed query (with its `position`).')
  trends(@Query() raw: unknown): Promise<Trends> {
    const params = validate(trendsParams, raw);
    return this.trendsService.trends({
      by: params.by,
      interval: params.interval,
      query: parseQuery(params.q),
      weeks: params.weeks,
      timeZone: params.tz,
    });
  }

  /** Streams every match page by page; errors in the request are a 400 before the first byte. */
  @Get('export')
  @Roles('analyst')
  @ApiOperation({
    summary: 'Export a search as CSV or JSON Lines',
    description: `Every document matching \`q\` (not only a page), newest first, streamed as an attachment. CSV (RFC 4180, header row) columns: ${CSV_COLUMNS.join(', ')}; list columns are \`;\`-separated ids; cells starting with = + - @ are prefixed with \`'\`. JSON Lines: one full document per line.`,
  })
  @ApiQuery({ name: 'q', required: false, type: 'string', description: 'Query; empty: every document.' })
  @ApiQuery({ name: 'format', required: false, enum: [...EXPORT_FORMATS], description: 'Default csv.' })
  @ApiQuery({ name: 'sort', required: false, enum: ['date'], description: 'Newest first (the only order).' })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiResponse({
    status: 200,
    description: 'The matching documents.',
    content: { 'text/csv': { schema: { type: 'string' } }, 'application/x-ndjson': { schema: { type: 'string' } } },
    headers: {
      'Content-Disposition': {
        description: 'attachment; filename="policy-radar-export-….csv"',
        schema: { type: 'string' },
      },
    },
  })
  @ApiBadRequest('Invalid parameters or a malformed query (with its `position`).')
  async export(@Query() raw: unknown, @Res() res: Response): Promise<void> {
    const { q: text, format } = validate(exportParams, raw);
    const pages = await openExport(this.index, parseQuery(text));
    const stamp = new Date().toISOString().replace(/[-:]|\.\d+/g, '');
    res.status(200);
    res.setHeader('Content-Type', EXPORT_CONTENT_TYPES[format]);
    res.setHeader('Content-Disposition', `attachment; filename="policy-radar-export-${stamp}.${format}"`);
    res.setHeader('Cache-Control', 'no-store');
    try {
      const { outcome, documents } = await writeExport(pages, format, res);
      if (outcome === 'aborted') {
        this.logger.log(`export q=${JSON.stringify(text)} stopped after ${documents} documents: client went away`);
      }
    } catch (error) {
      // Headers are sent: the only way to tell the client is to cut the transfer short.
      this.logger.error(`export q=${JSON.stringify(text)} failed after the headers: ${(error as Error).message}`);
      res.destroy(error as Error);
    }
  }
}
