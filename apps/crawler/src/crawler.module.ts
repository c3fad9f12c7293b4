import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { QueueModule } from '@radar/queue';
import { SearchModule } from '@radar/search';
import { SourcesModule } from '@radar/sources';

import { ArticleService } from './article.service';
import { CrawlScheduleService } from './crawl-schedule.service';

import { CrawlProcessor } from './crawl.processor';
import { CrawlService } from './crawl.service';
import { HttpFetcher } from './http-fetcher.adapter';

/** The crawler role: owns the schedule, consumes `crawl`, produces `ingest`. */
@Module({
  imports: [ScheduleModule.forRoot(), QueueModule, SourcesModule, SearchModule],
  providers: [CrawlScheduleService, CrawlService, ArticleService, HttpFetcher, CrawlProcessor],
})
export class CrawlerModule {}
