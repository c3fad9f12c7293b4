import { Injectable } from '@nestjs/common';
import { defaultTaxonomy, type QueryNode } from '@radar/core';
import { SearchIndex } from '@radar/search';
import { instantBefore, localDate, trendBuckets, type TrendInterval } from './trend-buckets';

/** What a trend is counted by: the keyword field of the query language it filters on. */
export const TREND_DIMENSIONS = ['sector', 'goal', 'area'] as const;
export type TrendDimension = (typeof TREND_DIMENSIONS)[number];

export interface TrendsRequest {
  by: TrendDimension;
  interval: TrendInterval;
  query: QueryNode;
  /** The current week and the `weeks - 1` before it. */
  weeks: number;
  timeZone: string;
  now?: Date;
}

export interface TrendSeries {
  key: string;
  name: string;
  /** One count per entry of `buckets`. */
  counts: number[];
}

export interface Trends {
  interval: TrendInterval;
  /** First local date (`YYYY-MM-DD`) of each bucket, ascending. */
  buckets: string[];
  series: TrendSeries[];
}

/**
 * Matching documents per sub-sector, advocacy goal or focus area per week or month. One
 * histogram search per taxonomy entry (27 sub-sectors at most): cheap, and exactly what the
 * search endpoint would count for `q AND sector:<id>`.
 */
@Injectable()
export class TrendsService {
  private readonly taxonomy = defaultTaxonomy();

  constructor(private readonly index: SearchIndex) {}

  async trends(req: TrendsRequest): Promise<Trends> {
    const buckets = trendBuckets(localDate(req.timeZone, req.now ?? new Date()), req.interval, req.weeks);
    const window: QueryNode = { kind: 'range', field: 'published', gte: instantBefore(buckets[0]) };
    const base = req.query.kind === 'all' ? [] : [req.query];
    const series = await Promise.all(
      this.keys(req.by).map(async ({ id, name }) => {
        const result = await this.index.search({
          query: { kind: 'and', children: [...base, { kind: 'keyword', field: req.by, value: id }, window] },
          sort: 'date',
          limit: 1,
          facets: [],
          histogram: { interval: req.interval, timeZone: req.timeZone },
        });
        const counts = new Map((result.histogram ?? []).map((b) => [b.key, b.count]));
        return { key: id, name, counts: buckets.map((b) => counts.get(b) ?? 0) };
      }),
    );
    return { interval: req.interval, buckets, series };
  }

  private keys(by: TrendDimension): { id: string; name: string }[] {
    switch (by) {
      case 'sector':
        return this.taxonomy.subSectors;
      case 'goal':
        return this.taxonomy.advocacyGoals;
      case 'area':
        return this.taxonomy.focusAreas;
    }
  }
}
