import { Controller, Get, HttpException, HttpStatus } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JobQueue } from '@radar/queue';
import { SearchIndex } from '@radar/search';
import { ApiUnavailable } from './ops/openapi.decorators';
import { Public } from './auth/access.decorators';

/** Readiness: 200 when Redis and the index both answer, 503 otherwise; liveness: the process answers. */
@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly index: SearchIndex,
    private readonly queue: JobQueue,
  ) {}

  /** The process is up (no dependency checked): for liveness probes. */
  @Get('health/live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get(['health', 'health/ready'])
  @ApiOperation({ summary: 'Readiness: Redis and the search index answer' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['ok'] },
        redis: { type: 'string' },
        index: { type: 'string' },
        documents: { type: 'integer' },
      },
    },
  })
  @ApiUnavailable('Redis or the index does not answer; the body says which (`status: degraded`).')
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
