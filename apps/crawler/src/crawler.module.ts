import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { QueueModule } from '@radar/queue';
import { SourcesModule } from '@radar/sources';

import { CrawlScheduleService } from './crawl-schedule.service';

import { CrawlProcessor } from './crawl.processor';
import { CrawlService } from './crawl.service';
import { HttpFetcher } from './http-fetcher.adapter';

/** The crawler role: owns the schedule, consumes `crawl`, produces `ingest`. */
@Module({
  imports: [ScheduleModule.forRoot(), QueueModule, SourcesModule],
  providers: [CrawlScheduleService, CrawlService, HttpFetcher, CrawlProcessor],
})
export class CrawlerModule {}
