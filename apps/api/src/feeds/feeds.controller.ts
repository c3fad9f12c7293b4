import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RadarConfig } from '@radar/config';
import { type Alert, defaultTaxonomy, parseQuery } from '@radar/core';
import { SearchIndex } from '@radar/search';
import { z } from 'zod';
import { ApiAlertFilters, ApiFeed } from '../ops/openapi.decorators';
import { validate } from '../validation';
import { alertCalendarEvents, alertEntry, documentEntry } from './feed-entries';
import { FEED_CONTENT_TYPES, type FeedFormat, renderFeed } from './feed.renderer';
import { ICAL_CONTENT_TYPE, renderCalendar } from './icalendar.renderer';
import { alertFilterParams, type AlertFilterParams, toAlertFilter } from '../alert-filters';
import { FeedRoles } from '../auth/access.decorators';

/** Entries per feed: the newest alerts or documents. */
const FEED_SIZE = 50;
/** Alerts the calendar looks through (newest first) for dated events. */
const CALENDAR_ALERTS = 1000;
const PAGE = 100;
const CACHE = 'public, max-age=60';
const DAY_MS = 86_400_000;

const alertFilters = alertFilterParams;
type AlertFilters = AlertFilterParams;

const calendarParams = alertFilters.extend({
  /** Also events up to this many days before today (UTC). */
  past: z.coerce.number().int().min(0).max(366).default(0),
});

const searchFeedParams = z.object({ q: z.string().max(2000).default('') });

/**
 * Alert and search results as subscribable feeds: Atom, RSS 2.0, JSON Feed 1.1, and upcoming
 * comment deadlines and effective dates as iCalendar. Every saved search (a query, or a set of
 * alert filters) is a feed URL.
 */
const ApiSearchFeedQuery = () =>
  ApiQuery({ name: 'q', required: false, type: 'string', description: 'Query language; empty: every document.' });

@ApiTags('feeds')
@Controller('api')
export class FeedsController {
  private readonly taxonomy = defaultTaxonomy();

  constructor(
    private readonly index: SearchIndex,
    private readonly config: RadarConfig,
  ) {}

  @Get('alerts.atom')
  @FeedRoles('policy', 'analyst')
  @Header('Content-Type', FEED_CONTENT_TYPES.atom)
  @Header('Cache-Control', CACHE)
  @ApiOperation({ summary: 'Alerts as Atom (a saved alert filter)' })
  @ApiAlertFilters()
  @ApiFeed(FEED_CONTENT_TYPES.atom, 'Atom 1.0 feed of the newest matching alerts.')
  alertsAtom(@Query() raw: unknown): Promise<string> {
    return this.alertFeed('atom', raw);
  }

  @Get('alerts.rss')
  @FeedRoles('policy', 'analyst')
  @Header('Content-Type', FEED_CONTENT_TYPES.rss)
  @Header('Cache-Control', CACHE)
  @ApiOperation({ summary: 'Alerts as RSS 2.0' })
  @ApiAlertFilters()
  @ApiFeed(FEED_CONTENT_TYPES.rss, 'RSS 2.0 feed of the newest matching alerts.')
  alertsRss(@Query() raw: unknown): Promise<string> {
    return this.alertFeed('rss', raw);
  }

  @Get('alerts.json')
  @FeedRoles('policy', 'analyst')
  @Header('Content-Type', FEED_CONTENT_TYPES.json)
  @Header('Cache-Control', CACHE)
  @ApiOperation({ summary: 'Alerts as JSON Feed 1.1' })
  @ApiAlertFilters()
  @ApiFeed(FEED_CONTENT_TYPES.json, 'JSON Feed 1.1 of the newest matching alerts.')
  alertsJson(@Query() raw: unknown): Promise<string> {
    return this.alertFeed('json', raw);
  }

  /** Dated policy events (comment deadlines, effective dates...) of matching alerts, from today (UTC) on. */
  @Get('alerts.ics')
  @FeedRoles('policy', 'analyst')
  @Header('Content-Type', ICAL_CONTENT_TYPE)
  @Header('Cache-Control', CACHE)
  @ApiOperation({ summary: 'Comment deadlines and effective dates of matching alerts as iCalendar' })
  @ApiAlertFilters()
  @ApiQuery({
    name: 'past',
    required: false,
    type: 'integer',
    description: 'Also events up to this many days before today (0-366).',
  })
  @ApiFeed(ICAL_CONTENT_TYPE, 'iCalendar (RFC 5545) with one all-day event per dated policy event.')
  async alertsCalendar(@Query() raw: unknown): Promise<string> {
    const { past, ...filters } = validate(calendarParams, raw);
    const now = new Date();
    const from = new Date(Date.parse(now.toISOString().slice(0, 10)) - past * DAY_MS).toISOString().slice(0, 10);
    const alerts = await this.listAlerts(filters, CALENDAR_ALERTS);
    const events = alerts
      .flatMap((a) => alertCalendarEvents(this.taxonomy, a, from))
      .sort((a, b) => a.date.localeCompare(b.date) || a.uid.localeCompare(b.uid));
    return renderCalendar(
      {
        name: 'Policy Radar: comment deadlines and effective dates',
        description: `Dated policy events on Policy Radar alerts${describe(filters)}.`,
        now,
      },
      events,
    );
  }

  @Get('search.atom')
  @FeedRoles('analyst', 'policy')
  @Header('Content-Type', FEED_CONTENT_TYPES.atom)
  @Header('Cache-Control', CACHE)
  @ApiOperation({ summary: 'A saved search as Atom' })
  @ApiSearchFeedQuery()
  @ApiFeed(FEED_CONTENT_TYPES.atom, 'Atom 1.0 feed of the newest matching documents.')
  searchAtom(@Query() raw: unknown): Promise<string> {
    return this.searchFeed('atom', raw);
  }

  @Get('search.rss')
  @FeedRoles('analyst', 'policy')
  @Header('Content-Type', FEED_CONTENT_TYPES.rss)
  @Header('Cache-Control', CACHE)
  @ApiOperation({ summary: 'A saved search as RSS 2.0' })
  @ApiSearchFeedQuery()
  @ApiFeed(FEED_CONTENT_TYPES.rss, 'RSS 2.0 feed of the newest matching documents.')
  searchRss(@Query() raw: unknown): Promise<string> {
    return this.searchFeed('rss', raw);
  }

  @Get('search.json')
  @FeedRoles('analyst', 'policy')
  @Header('Content-Type', FEED_CONTENT_TYPES.json)
  @Header('Cache-Control', CACHE)
  @ApiOperation({ summary: 'A saved search as JSON Feed 1.1' })
  @ApiSearchFeedQuery()
  @ApiFeed(FEED_CONTENT_TYPES.json, 'JSON Feed 1.1 of the newest matching documents.')
  searchJson(@Query() raw: unknown): Promise<string> {
    return this.searchFeed('json', raw);
  }

  private async alertFeed(format: FeedFormat, raw: unknown): Promise<string> {
    const filters = validate(alertFilters, raw);
    const alerts = await this.listAlerts(filters, FEED_SIZE);
    const docs = await Promise.all(alerts.map((a) => this.index.getDocument(a.documentId)));
    const selfUrls = this.selfUrls('alerts', canonicalQuery(filters));
    return renderFeed(
      format,
      {
        id: selfUrls.atom,
        title: `Policy Radar alerts${describe(filters)}`,
        description: 'Documents reporting a policy action in a tracked sub-sector, newest first.',
        siteUrl: `${this.config.publicUrl}/`,
        selfUrls,
        fallbackUpdated: new Date(),
      },
      alerts.map((a, i) => alertEntry(this.taxonomy, a, docs[i])),
    );
  }

  /** A bad query throws QuerySyntaxError, which ClientInputErrorFilter turns into a 400. */
  private async searchFeed(format: FeedFormat, raw: unknown): Promise<string> {
    const { q } = validate(searchFeedParams, raw);
    const result = await this.index.search({ query: parseQuery(q), sort: 'date', limit: FEED_SIZE, facets: [] });
    const selfUrls = this.selfUrls('search', canonicalQuery({ q }));
    return renderFeed(
      format,
      {
        id: selfUrls.atom,
        title: q.trim() ? `Policy Radar search: ${q.trim()}` : 'Policy Radar: all documents',
        description: 'Documents matching a saved search, newest first.',
        siteUrl: `${this.config.publicUrl}/`,
        selfUrls,
        fallbackUpdated: new Date(),
      },
      result.hits.map((h) => documentEntry(this.taxonomy, h.document)),
    );
  }

  private async listAlerts(filters: AlertFilters, max: number): Promise<Alert[]> {
    const filter = toAlertFilter(filters);
    const out: Alert[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.index.listAlerts({ ...filter, limit: Math.min(PAGE, max - out.length), cursor });
      out.push(...page.alerts);
      cursor = page.nextCursor;
    } while (cursor && out.length < max);
    return out;
  }

  private selfUrls(path: 'alerts' | 'search', query: string): Record<FeedFormat, string> {
    const base = `${this.config.publicUrl}/api/${path}`;
    return { atom: `${base}.atom${query}`, rss: `${base}.rss${query}`, json: `${base}.json${query}` };
  }
}

/** `?a=1&b=2` from validated parameters, in a fixed order (empty string when none). */
function canonicalQuery(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

function describe(filters: AlertFilters): string {
  const parts = Object.entries(filters)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}: ${v}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
