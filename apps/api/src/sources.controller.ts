import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SourceHealth, sourceHealth, SourceRegistry, SourceStateStore, SourceStatus } from '@radar/sources';
import { Roles } from './auth/access.decorators';

/** Every source with its health: last success and error, failures in a row, stale or broken. */
@ApiTags('sources')
@Roles()
@Controller('api/sources')
export class SourcesController {
  constructor(
    private readonly registry: SourceRegistry,
    private readonly state: SourceStateStore,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Every source with its health',
    description: 'Last success and error, failures in a row; ok, pending, stale, broken or disabled.',
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        counts: { type: 'object', additionalProperties: { type: 'integer' } },
        sources: { type: 'array', items: { type: 'object' } },
      },
    },
  })
  async list(): Promise<{ counts: Record<SourceStatus, number>; sources: SourceHealth[] }> {
    const sources = this.registry.all();
    const states = await this.state.getMany(sources.map((s) => s.id));
    const now = Date.now();
    const health = sources.map((s) => sourceHealth(s, states.get(s.id)!, now, this.registry.disabledReason(s.id)));
    const counts: Record<SourceStatus, number> = { ok: 0, pending: 0, stale: 0, broken: 0, disabled: 0 };
    for (const h of health) counts[h.status]++;
    return { counts, sources: health };
  }
}
