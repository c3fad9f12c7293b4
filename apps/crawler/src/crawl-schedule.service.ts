import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { RadarConfig } from '@radar/config';
import { JobName, JobQueue } from '@radar/queue';
import { CrawlService } from './crawl.service';

const TICK = 'crawl-schedule';

/**
 * The only owner of the crawl schedule. A tick selects due sources and enqueues one `crawl` job
 * per source and slot; the job id makes several crawler instances enqueue one job, not several.
 */
@Injectable()
export class CrawlScheduleService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CrawlScheduleService.name);
  private running = false;

  constructor(
    private readonly config: RadarConfig,
    private readonly crawl: CrawlService,
    private readonly queue: JobQueue,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const handle = setInterval(() => void this.tick(), this.config.crawlTickSeconds * 1000);
    this.scheduler.addInterval(TICK, handle);
    void this.tick();
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', TICK)) this.scheduler.deleteInterval(TICK);
  }

  /** Enqueues every due source; returns how many. Overlapping ticks are skipped. */
  async tick(now = Date.now()): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const due = await this.crawl.dueSources(now);
      for (const source of due) {
        const slot = Math.floor(now / (source.intervalSeconds * 1000));
        await this.queue.enqueue(JobName.CrawlSource, { sourceId: source.id, slot });
        await this.crawl.markScheduled(source, now);
      }
      return due.length;
    } catch (error) {
      this.logger.error(`schedule tick failed: ${(error as Error).message}`);
      return 0;
    } finally {
      this.running = false;
    }
  }
}
