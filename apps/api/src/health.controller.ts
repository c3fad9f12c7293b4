import { Controller, Get, HttpException, HttpStatus } from '@nestjs/common';
import { JobQueue } from '@radar/queue';
import { SearchIndex } from '@radar/search';

/** Readiness: 200 when Redis and the index both answer, 503 otherwise; liveness: the process answers. */
@Controller()
export class HealthController {
  constructor(
    private readonly index: SearchIndex,
    private readonly queue: JobQueue,
  ) {}

  /** The process is up (no dependency checked): for liveness probes. */
  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get(['health', 'health/ready'])
  async health(): Promise<Record<string, unknown>> {
    const [redis, documents] = await Promise.allSettled([this.queue.ping(), this.index.count()]);
    const body = {
      status: redis.status === 'fulfilled' && documents.status === 'fulfilled' ? 'ok' : 'degraded',
      redis: redis.status === 'fulfilled' ? 'up' : `down: ${(redis.reason as Error).message}`,
      index: documents.status === 'fulfilled' ? 'up' : `down: ${(documents.reason as Error).message}`,
      documents: documents.status === 'fulfilled' ? documents.value : undefined,
    };
    if (body.status !== 'ok') throw new HttpException(body, HttpStatus.SERVICE_UNAVAILABLE);
    return body;
  }
}
