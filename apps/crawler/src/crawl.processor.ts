import { Processor } from '@nestjs/bullmq';
import { JobHandlers, JobName, QueueName, RadarProcessor } from '@radar/queue';
import { CrawlService } from './crawl.service';

@Processor(QueueName.Crawl, { concurrency: 4 })
export class CrawlProcessor extends RadarProcessor<QueueName.Crawl> {
  protected readonly queueName = QueueName.Crawl;
  protected readonly handlers: JobHandlers<QueueName.Crawl> = {
    [JobName.CrawlSource]: (payload) => this.crawl.crawl(payload.sourceId),
  };

  constructor(private readonly crawl: CrawlService) {
    super();
  }
}
