import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RadarConfig, SecretStore } from '@radar/config';
import { API_ROLES, ApiKey } from '@radar/core';
import { z } from 'zod';
import { ApiBadRequest, ApiNotFound, object } from '../ops/openapi.decorators';
import { validate } from '../validation';
import { Roles } from './access.decorators';
import type { AuthenticatedRequest } from './api-access.guard';
import { ApiKeyService } from './api-keys.service';
import { canonicalFeedTarget, signFeedToken } from './feed-tokens';

/** The feeds a feed token may open (the route decides the role at read time). */
export const FEED_PATHS = [
  '/api/alerts.atom',
  '/api/alerts.rss',
  '/api/alerts.json',
  '/api/alerts.ics',
  '/api/search.atom',
  '/api/search.rss',
  '/api/search.json',
] as const;

const createBody = z.object({
  role: z.enum(API_ROLES),
  name: z.string().trim().min(1).max(200),
});

const feedLinkBody = z.object({
  url: z
    .string()
    .max(4000)
    .refine(
      (v) => {
        try {
          const parsed = new URL(v, 'http://radar.invalid');
          return (
            (FEED_PATHS as readonly string[]).includes(parsed.pathname) && (v.startsWith('/') || /^https?:/.test(v))
          );
        } catch {
          return false;
        }
      },
      { message: `must be one of the feed URLs (${FEED_PATHS.join(', ')}) with its query` },
    ),
});

/** What a listing shows of a key: never its hash. */
function view(key: ApiKey): Omit<ApiKey, 'hash'> {
  const { hash: _hash, ...rest } = key;
  return rest;
}

const keyView = object(
  {
    id: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', enum: [...API_ROLES] },
    createdAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: 'string', format: 'date-time' },
  },
  ['id', 'name', 'role', 'createdAt'],
);

/** API keys (admins) and feed links (any key holder). */
@ApiTags('access')
@Controller('api')
export class KeysController {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly secrets: SecretStore,
    private readonly config: RadarConfig,
  ) {}

  @Get('keys')
  @Roles()
  @ApiOperation({
    summary: 'API keys (admin)',
    description: 'Ids, names, roles and dates; never the keys or their hashes.',
  })
  @ApiOkResponse({ schema: object({ keys: { type: 'array', items: keyView } }, ['keys']) })
  async list(): Promise<{ keys: Omit<ApiKey, 'hash'>[] }> {
    return { keys: (await this.keys.list()).map(view) };
  }

  @Post('keys')
  @HttpCode(201)
  @Roles()
  @ApiOperation({ summary: 'Create an API key (admin)', description: 'The key is in this response only; store it.' })
  @ApiBody({
    schema: object({ role: { type: 'string', enum: [...API_ROLES] }, name: { type: 'string', maxLength: 200 } }, [
      'role',
      'name',
    ]),
  })
  @ApiCreatedResponse({ schema: { type: 'object' } })
  @ApiBadRequest()
  async create(@Body() body: unknown): Promise<Omit<ApiKey, 'hash'> & { key: string }> {
    const input = validate(createBody, body ?? {});
    const { key, record } = await this.keys.create(input.role, input.name);
    return { ...view(record), key };
  }

  @Delete('keys/:id')
  @Roles()
  @ApiOperation({ summary: 'Revoke an API key (admin)', description: 'Its feed links stop working too.' })
  @ApiParam({ name: 'id' })
  @ApiOkResponse({ schema: keyView })
  @ApiNotFound('No key with this id.')
  async revoke(@Param('id') id: string): Promise<Omit<ApiKey, 'hash'>> {
    const revoked = await this.keys.revoke(id);
    if (!revoked) throw new NotFoundException(`no API key with id ${id}`);
    return view(revoked);
  }

  @Post('feed-links')
  @Roles('analyst', 'policy')
  @ApiOperation({
    summary: 'A feed URL that works without a key',
    description:
      'Signs a feed URL (alerts or saved search, with its filters) for feed readers and calendar apps. ' +
      'The link acts as the calling key and dies with it.',
  })
  @ApiBody({ schema: object({ url: { type: 'string', example: '/api/alerts.atom?sector=semiconductors' } }, ['url']) })
  @ApiOkResponse({ schema: object({ url: { type: 'string' } }, ['url']) })
  @ApiBadRequest()
  @HttpCode(200)
  feedLink(@Body() body: unknown, @Req() req: AuthenticatedRequest): { url: string } {
    const input = validate(feedLinkBody, body ?? {});
    const parsed = new URL(input.url, 'http://radar.invalid');
    const target = canonicalFeedTarget(parsed.pathname, parsed.searchParams);
    const token = signFeedToken(this.secrets.key, req.apiKey!.id, target);
    const query = new URLSearchParams(parsed.searchParams);
    query.delete('token');
    query.set('token', token);
    return { url: `${this.config.publicUrl}${parsed.pathname}?${query.toString()}` };
  }
}
