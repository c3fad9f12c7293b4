import { JobHandlers, JobName, QueueName, RadarProcessor, RadarWorker } from '@radar/queue';
import { ArticleService } from './article.service';
import { CrawlService } from './crawl.service';

@RadarWorker(QueueName.Crawl, { concurrency: 8 })
export class CrawlProcessor extends RadarProcessor<QueueName.Crawl> {
  protected readonly queueName = QueueName.Crawl;
  protected readonly handlers: JobHandlers<QueueName.Crawl> = {
    [JobName.CrawlSource]: (payload) => this.crawl.crawl(payload.sourceId),
    [JobName.FetchArticle]: (payload, job) =>
      this.articles.complete(payload, job.attemptsMade + 1 >= (job.opts.attempts ?? 1)),
  };

  constructor(
    private readonly crawl: CrawlService,
    private readonly articles: ArticleService,
  ) {
    super();
  }
}
