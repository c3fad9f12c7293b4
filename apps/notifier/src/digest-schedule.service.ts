import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { RadarConfig } from '@radar/config';
import { DigestPayload, JobName, JobQueue } from '@radar/queue';
import { SearchIndex } from '@radar/search';
import { Clock } from './clock';
import { duePeriod } from './digest-period';

const TICK = 'digest-schedule';
const TICK_MS = 60_000;

/**
 * The notifier's only schedule. A tick selects the confirmed daily and weekly subscriptions whose
 * digest hour has passed in their time zone and enqueues one `digest` job per subscription and
 * period; the job id (`digest.<subscription>.<period>`) makes every later tick, and every other
 * notifier instance, enqueue nothing more.
 */
@Injectable()
export class DigestScheduleService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DigestScheduleService.name);
  private running = false;

  constructor(
    private readonly config: RadarConfig,
    private readonly index: SearchIndex,
    private readonly queue: JobQueue,
    private readonly scheduler: SchedulerRegistry,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const handle = setInterval(() => void this.tick(), TICK_MS);
    this.scheduler.addInterval(TICK, handle);
    void this.tick();
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', TICK)) this.scheduler.deleteInterval(TICK);
  }

  /** The digests due at `now`, one per subscription (pure selection; nothing is enqueued). */
  async due(now: Date): Promise<DigestPayload[]> {
    const out: DigestPayload[] = [];
    for (const sub of await this.index.listSubscriptions({ status: 'confirmed' })) {
      const frequency = sub.frequency ?? 'instant';
      if (frequency === 'instant') continue;
      let period;
      try {
        period = duePeriod(
          frequency,
          sub.timeZone ?? 'UTC',
          now.getTime(),
          this.config.digestHour,
          this.config.digestWeekday,
        );
      } catch (error) {
        this.logger.warn(`subscription=${sub.id} time zone ${sub.timeZone}: ${(error as Error).message}`);
        continue;
      }
      if (period)
        out.push({
          subscriptionId: sub.id,
          periodKey: period.key,
          frequency,
          since: period.since,
          until: period.until,
        });
    }
    return out;
  }

  /** Enqueues every due digest; returns how many were offered. Overlapping ticks are skipped. */
  async tick(now = this.clock.now()): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const due = await this.due(now);
      await this.queue.enqueueMany(JobName.Digest, due);
      return due.length;
    } catch (error) {
      this.logger.error(`digest tick failed: ${(error as Error).message}`);
      return 0;
    } finally {
      this.running = false;
    }
  }
}
