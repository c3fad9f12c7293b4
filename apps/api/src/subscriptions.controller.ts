import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  HttpException,
  HttpStatus,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { RadarConfig } from '@radar/config';
import { SUBSCRIPTION_FREQUENCIES, SUBSCRIPTION_STATUSES, Subscription } from '@radar/core';
import { escapeHtml, SubscriptionLinks } from '@radar/mail';
import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  ApiBadRequest,
  ApiForbidden,
  ApiHtmlPage,
  ApiNotFound,
  ApiTooManyRequests,
  object,
} from './ops/openapi.decorators';
import { RateLimiter } from './rate-limit.adapter';
import { clientIp } from './client-ip';
import { SubscriptionService } from './subscription.service';
import {
  PREFERENCE_BODY_PROPERTIES,
  PREFERENCE_VIEW_PROPERTIES,
  preferenceFields,
  preferencesView,
} from './subscription-preferences';
import { validate } from './validation';
import { Public } from './auth/access.decorators';

function canonicalTimeZone(zone: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const subscribeBody = z.object({
  email: z.string().trim().pipe(z.email().max(254)),
  ...preferenceFields,
  frequency: z.enum(SUBSCRIPTION_FREQUENCIES).default('instant'),
  timeZone: z
    .string()
    .max(100)
    .default('UTC')
    .transform((zone, ctx) => {
      const canonical = canonicalTimeZone(zone);
      if (canonical === null) {
        ctx.addIssue({ code: 'custom', message: `unknown IANA time zone "${zone}"` });
        return z.NEVER;
      }
      return canonical;
    }),
});

const tokenParam = z.object({ token: z.string().min(16).max(200) });
const manageParam = z.object({ token: z.string().min(1).max(1000) });
const manageUnsubscribeParam = manageParam.extend({ id: z.string().min(1).max(100) });

function page(res: Response, status: number, title: string, message: string, extra = ''): void {
  res
    .status(status)
    .type('html')
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
        `<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto"><h1>${escapeHtml(title)}</h1>` +
        `<p>${escapeHtml(message)}</p>${extra}<p><a href="/">Policy Radar</a></p></body></html>`,
    );
}

const wantsHtml = (req: Request): boolean => req.accepts(['json', 'html']) === 'html';

/** What a subscriber sees of a subscription: never its tokens. */
function publicView(s: Subscription) {
  return {
    id: s.id,
    status: s.status,
    ...preferencesView(s),
    frequency: s.frequency ?? 'instant',
    timeZone: s.timeZone ?? 'UTC',
    createdAt: s.createdAt,
    confirmedAt: s.confirmedAt,
  };
}

const ApiToken = (description: string) => ApiQuery({ name: 'token', required: true, type: 'string', description });

const subscriptionView = object({
  id: { type: 'string' },
  status: { type: 'string', enum: [...SUBSCRIPTION_STATUSES] },
  ...PREFERENCE_VIEW_PROPERTIES,
  frequency: { type: 'string', enum: [...SUBSCRIPTION_FREQUENCIES] },
  timeZone: { type: 'string' },
  createdAt: { type: 'string', format: 'date-time' },
  confirmedAt: { type: 'string', format: 'date-time' },
});

@ApiTags('subscriptions')
@Public()
@Controller('api/subscriptions')
export class SubscriptionsController {
  constructor(
    private readonly subscriptions: SubscriptionService,
    private readonly rateLimiter: RateLimiter,
    private readonly links: SubscriptionLinks,
    private readonly config: RadarConfig,
  ) {}

  /**
   * Double opt-in: answers 202; nothing but a confirmation email is sent until its link is
   * followed. Rate limited per address and per client IP (429 with Retry-After).
   */
  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Subscribe an address to alerts (double opt-in)',
    description:
      'Only a confirmation email is sent until its link is followed. Rate limited per address and per client IP.',
  })
  @ApiBody({
    schema: object(
      {
        email: { type: 'string', format: 'email', maxLength: 254 },
        ...PREFERENCE_BODY_PROPERTIES,
        frequency: { type: 'string', enum: [...SUBSCRIPTION_FREQUENCIES], default: 'instant' },
        timeZone: { type: 'string', default: 'UTC', description: 'IANA time zone.' },
      },
      ['email'],
    ),
  })
  @ApiAcceptedResponse({
    description: 'Pending until confirmed (or already confirmed).',
    schema: object({ id: { type: 'string' }, status: { type: 'string' }, message: { type: 'string' } }, [
      'id',
      'status',
      'message',
    ]),
  })
  @ApiBadRequest()
  @ApiTooManyRequests('Too many subscribe requests from this address or client.')
  async subscribe(
    @Body() body: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ id: string; status: string; message: string }> {
    const input = validate(subscribeBody, body ?? {});
    const decision = await this.rateLimiter.subscribeAttempt(
      input.email.trim().toLowerCase(),
      clientIp(req, this.config.trustProxy),
    );
    if (!decision.allowed) {
      res.setHeader('Retry-After', String(decision.retryAfterSeconds));
      throw new HttpException(
        {
          statusCode: 429,
          error: 'Too Many Requests',
          message: `Too many subscribe requests from this ${decision.limit === 'ip' ? 'client' : 'address'}; try again in ${decision.retryAfterSeconds} s.`,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    const { subscription } = await this.subscriptions.subscribe(input);
    const digest =
      subscription.frequency && subscription.frequency !== 'instant'
        ? ` Alerts come as a ${subscription.frequency} digest at the configured hour in ${subscription.timeZone ?? 'UTC'}, not one by one.`
        : '';
    return {
      id: subscription.id,
      status: subscription.status,
      message:
        (subscription.status === 'confirmed'
          ? 'This address already receives these alerts.'
          : `A confirmation link was sent to ${subscription.email}; nothing else is sent until it is followed.`) +
        digest,
    };
  }

  @Get('confirm')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Confirm a subscription (the emailed link)' })
  @ApiToken('Confirmation token from the email.')
  @ApiProduces('text/html')
  @ApiHtmlPage(200, 'Confirmed.')
  @ApiHtmlPage(404, 'Unknown or withdrawn link.')
  async confirm(@Query() raw: unknown, @Res() res: Response): Promise<void> {
    const parsed = tokenParam.safeParse(raw);
    const subscription = parsed.success ? await this.subscriptions.confirm(parsed.data.token) : null;
    if (!subscription) return page(res, 404, 'Link not valid', 'This confirmation link is unknown or was withdrawn.');
    page(res, 200, 'Subscription confirmed', `Alerts will be sent to ${subscription.email}.`);
  }

  /** The link in every email, and RFC 8058 one-click (POST) for mail clients. */
  @Get('unsubscribe')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Unsubscribe (the link in every email)' })
  @ApiToken('Unsubscribe token from the email.')
  @ApiProduces('text/html')
  @ApiHtmlPage(200, 'Unsubscribed.')
  @ApiHtmlPage(404, 'Unknown link.')
  async unsubscribeLink(@Query() raw: unknown, @Res() res: Response): Promise<void> {
    const parsed = tokenParam.safeParse(raw);
    const subscription = parsed.success ? await this.subscriptions.unsubscribe(parsed.data.token) : null;
    if (!subscription) return page(res, 404, 'Link not valid', 'This unsubscribe link is unknown.');
    page(res, 200, 'Unsubscribed', `No more alerts will be sent to ${subscription.email} for this subscription.`);
  }

  @Post('unsubscribe')
  @HttpCode(200)
  @ApiOperation({ summary: 'One-click unsubscribe (RFC 8058, for mail clients)' })
  @ApiToken('Unsubscribe token from the email.')
  @ApiOkResponse({ schema: object({ status: { type: 'string', enum: ['unsubscribed', 'unknown'] } }, ['status']) })
  @ApiBadRequest()
  async unsubscribeOneClick(@Query() raw: unknown): Promise<{ status: string }> {
    const { token } = validate(tokenParam, raw);
    const subscription = await this.subscriptions.unsubscribe(token);
    return { status: subscription ? 'unsubscribed' : 'unknown' };
  }

  /** The signed manage link from every email: the address's subscriptions, as JSON or a page. */
  @Get('manage')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "An address's subscriptions (the signed manage link)",
    description: 'JSON, or an HTML page with unsubscribe buttons when the client prefers text/html.',
  })
  @ApiToken('Signed manage token from any Policy Radar email.')
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({
    schema: object({ email: { type: 'string' }, subscriptions: { type: 'array', items: subscriptionView } }, [
      'email',
      'subscriptions',
    ]),
  })
  @ApiForbidden('The manage link is altered, not issued here, or expired.')
  async manage(@Query() raw: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const email = this.manageEmail(raw, req, res);
    if (email === null) return;
    const token = (raw as { token: string }).token;
    const subscriptions = await this.subscriptions.listForEmail(email);
    if (!wantsHtml(req)) {
      res.status(200).json({ email, subscriptions: subscriptions.map(publicView) });
      return;
    }
    const rows = subscriptions.map((s) => {
      const v = publicView(s);
      const prefs = [
        v.sectors.length ? `sub-sectors: ${v.sectors.join(', ')}` : '',
        v.areas.length ? `focus areas: ${v.areas.join(', ')}` : '',
        v.goals.length ? `goals: ${v.goals.join(', ')}` : '',
        `priority ≥ ${v.minPriority}`,
        v.frequency,
      ].filter(Boolean);
      const action =
        s.status === 'unsubscribed'
          ? ''
          : `<form method="post" action="/api/subscriptions/manage/unsubscribe?token=${encodeURIComponent(token)}&amp;id=${encodeURIComponent(s.id)}">` +
            `<button type="submit">Unsubscribe</button></form>`;
      return (
        `<li><strong>${escapeHtml(v.query || 'all alerts')}</strong> (${escapeHtml(v.status)}): ` +
        `${escapeHtml(prefs.join('; '))}${action}</li>`
      );
    });
    page(
      res,
      200,
      'Your Policy Radar subscriptions',
      subscriptions.length ? `Subscriptions of ${email}:` : `${email} has no subscriptions.`,
      subscriptions.length ? `<ul>${rows.join('')}</ul>` : '',
    );
  }

  @Post('manage/unsubscribe')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Unsubscribe one subscription of the address a manage token was signed for' })
  @ApiToken('Signed manage token.')
  @ApiQuery({ name: 'id', required: true, type: 'string', description: 'Subscription id.' })
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({
    schema: object({ status: { type: 'string', enum: ['unsubscribed'] }, subscription: subscriptionView }),
  })
  @ApiBadRequest()
  @ApiForbidden('The manage link is altered, not issued here, or expired.')
  @ApiNotFound('This address has no such subscription.')
  async manageUnsubscribe(@Query() raw: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const email = this.manageEmail(raw, req, res);
    if (email === null) return;
    const { id } = validate(manageUnsubscribeParam, raw);
    const subscription = await this.subscriptions.unsubscribeOwned(email, id);
    if (!subscription) {
      if (wantsHtml(req)) return page(res, 404, 'Not found', 'This address has no such subscription.');
      res.status(404).json({ statusCode: 404, error: 'Not Found', message: 'This address has no such subscription.' });
      return;
    }
    if (wantsHtml(req)) {
      return page(
        res,
        200,
        'Unsubscribed',
        `No more alerts will be sent to ${email} for this subscription.`,
        `<p><a href="${escapeHtml(this.links.manageUrl(email))}">Back to your subscriptions</a></p>`,
      );
    }
    res.status(200).json({ status: 'unsubscribed', subscription: publicView(subscription) });
  }

  /** The address a manage token was signed for, or null after answering 403 (forged or expired). */
  private manageEmail(raw: unknown, req: Request, res: Response): string | null {
    const parsed = manageParam.safeParse(raw);
    const check = parsed.success
      ? this.links.verifyManageToken(parsed.data.token)
      : ({ ok: false, reason: 'invalid' } as const);
    if (check.ok) return check.email;
    const message =
      check.reason === 'expired'
        ? 'This manage link has expired; the link in any newer Policy Radar email works.'
        : 'This manage link is not valid (it was altered or not issued by this Policy Radar).';
    if (wantsHtml(req)) page(res, 403, 'Link not valid', message);
    else res.status(403).json({ statusCode: 403, error: 'Forbidden', message });
    return null;
  }
}
