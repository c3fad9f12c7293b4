import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Req,
} from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Subscription, SUBSCRIPTION_STATUSES, WEBHOOK_FORMATS } from '@radar/core';
import type { Request } from 'express';
import { z } from 'zod';
import { ApiBadRequest, ApiNotFound, object } from './ops/openapi.decorators';
import {
  PREFERENCE_BODY_PROPERTIES,
  PREFERENCE_VIEW_PROPERTIES,
  preferenceFields,
  preferencesView,
} from './subscription-preferences';
import { validate } from './validation';
import { PingResult, WebhookSubscriptionService, WebhookUrlRefusedError } from './webhook-subscription.service';
import { Roles } from './auth/access.decorators';

const createBody = z.object({
  url: z.string().trim().min(1).max(2000),
  format: z.enum(WEBHOOK_FORMATS).default('json'),
  ...preferenceFields,
});

const idParam = z.uuid();

/** The name of the API key the auth guard authenticated (it sets `req.apiKey`), when there is one. */
function callerName(req: Request): string | undefined {
  const key = (req as Request & { apiKey?: { name?: unknown } }).apiKey;
  return typeof key?.name === 'string' && key.name !== '' ? key.name : undefined;
}

/** What the API shows of a webhook subscription: never its secret (returned once, by create). */
function webhookView(s: Subscription) {
  return {
    id: s.id,
    url: s.target?.url ?? '',
    format: s.target?.format ?? 'json',
    status: s.status,
    ...preferencesView(s),
    createdAt: s.createdAt,
    ...(s.createdBy ? { createdBy: s.createdBy } : {}),
    ...(s.lastFailure ? { lastFailure: s.lastFailure } : {}),
  };
}

const webhookSchema = object({
  id: { type: 'string', format: 'uuid' },
  url: { type: 'string', format: 'uri' },
  format: { type: 'string', enum: [...WEBHOOK_FORMATS] },
  status: {
    type: 'string',
    enum: [...SUBSCRIPTION_STATUSES],
    description: '`bounced`: the receiver answered 410 Gone; nothing more is posted.',
  },
  ...PREFERENCE_VIEW_PROPERTIES,
  createdAt: { type: 'string', format: 'date-time' },
  createdBy: { type: 'string' },
  lastFailure: object({
    at: { type: 'string', format: 'date-time' },
    deliveryId: { type: 'string' },
    status: { type: 'integer' },
    message: { type: 'string' },
  }),
});

/**
 * Webhook subscriptions: alerts posted (HMAC-signed JSON, or Slack / Teams messages) to a URL
 * instead of emailed. A webhook makes this server send requests to a URL its creator chose, so
 * these endpoints are for authenticated team members only (the API-key guard goes on this
 * controller); URLs are https-only and checked against the SSRF guard at creation and on every
 * post.
 */
@ApiTags('webhooks')
@Roles('policy')
@Controller('api/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhookSubscriptionService) {}

  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Create a webhook subscription (the signing secret is returned once)',
    description:
      'Matching alerts are posted to `url` as `alert.created`, then `alert.changed` when the document really changes. ' +
      'Each POST carries `X-Radar-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, ' +
      '`X-Radar-Delivery` (the same for every retry: dedupe on it) and `X-Radar-Event`. ' +
      '`format`: `json` (Policy Radar events), `slack` or `teams` (incoming-webhook messages).',
  })
  @ApiBody({
    schema: object(
      {
        url: { type: 'string', format: 'uri', description: 'https:// only; private and loopback addresses refused.' },
        format: { type: 'string', enum: [...WEBHOOK_FORMATS], default: 'json' },
        ...PREFERENCE_BODY_PROPERTIES,
      },
      ['url'],
    ),
  })
  @ApiCreatedResponse({
    description: 'Created and active. `secret` is shown only here: store it to verify signatures.',
    schema: { allOf: [webhookSchema, object({ secret: { type: 'string' } }, ['secret'])] },
  })
  @ApiBadRequest('Invalid input, a malformed query, or a URL refused (not https, or a private address).')
  async create(@Body() body: unknown, @Req() req: Request) {
    const input = validate(createBody, body ?? {});
    try {
      const sub = await this.webhooks.create({ ...input, createdBy: callerName(req) });
      return { ...webhookView(sub), secret: sub.webhookSecret! };
    } catch (error) {
      if (error instanceof WebhookUrlRefusedError) throw new BadRequestException([`url: ${error.message}`]);
      throw error;
    }
  }

  @Get()
  @ApiOperation({ summary: 'Webhook subscriptions (without their secrets), oldest first' })
  @ApiOkResponse({ schema: object({ webhooks: { type: 'array', items: webhookSchema } }, ['webhooks']) })
  async list() {
    return { webhooks: (await this.webhooks.list()).map(webhookView) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One webhook subscription, with its last permanent failure' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ schema: webhookSchema })
  @ApiNotFound('No webhook subscription with this id.')
  async get(@Param('id') id: string) {
    return webhookView(await this.find(id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook subscription (queued posts to it are dropped)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiNotFound('No webhook subscription with this id.')
  async delete(@Param('id') id: string): Promise<void> {
    if (!idParam.safeParse(id).success || !(await this.webhooks.delete(id))) throw this.notFound(id);
  }

  @Post(':id/ping')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Post a signed test event now and report how the receiver answered',
    description: 'Not queued or retried; `ok: false` carries the status or the network error.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({
    schema: object(
      {
        ok: { type: 'boolean' },
        deliveryId: { type: 'string' },
        status: { type: 'integer', description: "The receiver's HTTP status, when it answered." },
        permanent: { type: 'boolean', description: 'A failure that retrying cannot fix (a 4xx, a refused address).' },
        message: { type: 'string' },
        durationMs: { type: 'integer' },
      },
      ['ok', 'deliveryId', 'durationMs'],
    ),
  })
  @ApiNotFound('No webhook subscription with this id.')
  async ping(@Param('id') id: string): Promise<PingResult> {
    return this.webhooks.ping(await this.find(id));
  }

  private async find(id: string): Promise<Subscription> {
    const sub = idParam.safeParse(id).success ? await this.webhooks.get(id) : null;
    if (!sub) throw this.notFound(id);
    return sub;
  }

  private notFound(id: string): NotFoundException {
    return new NotFoundException(`no webhook subscription with id ${id}`);
  }
}
