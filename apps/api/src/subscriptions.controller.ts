import { Body, Controller, Get, Header, HttpCode, Post, Query, Res } from '@nestjs/common';
import { escapeHtml } from '@radar/mail';
import type { Response } from 'express';
import { z } from 'zod';
import { SubscriptionService } from './subscription.service';
import { validate } from './validation';

const subscribeBody = z.object({
  email: z.email().max(254),
  query: z.string().max(2000).default(''),
});

const tokenParam = z.object({ token: z.string().min(16).max(200) });

function page(res: Response, status: number, title: string, message: string): void {
  res
    .status(status)
    .type('html')
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
        `<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto"><h1>${escapeHtml(title)}</h1>` +
        `<p>${escapeHtml(message)}</p><p><a href="/">Policy Radar</a></p></body></html>`,
    );
}

@Controller('api/subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionService) {}

  /** Double opt-in: answers 202; nothing but a confirmation email is sent until its link is followed. */
  @Post()
  @HttpCode(202)
  async subscribe(@Body() body: unknown): Promise<{ id: string; status: string; message: string }> {
    const req = validate(subscribeBody, body ?? {});
    const { subscription } = await this.subscriptions.subscribe(req);
    return {
      id: subscription.id,
      status: subscription.status,
      message:
        subscription.status === 'confirmed'
          ? 'This address already receives these alerts.'
          : `A confirmation link was sent to ${subscription.email}; nothing else is sent until it is followed.`,
    };
  }

  @Get('confirm')
  @Header('Cache-Control', 'no-store')
  async confirm(@Query() raw: unknown, @Res() res: Response): Promise<void> {
    const parsed = tokenParam.safeParse(raw);
    const subscription = parsed.success ? await this.subscriptions.confirm(parsed.data.token) : null;
    if (!subscription) return page(res, 404, 'Link not valid', 'This confirmation link is unknown or was withdrawn.');
    page(res, 200, 'Subscription confirmed', `Alerts will be sent to ${subscription.email}.`);
  }

  /** The link in every email, and RFC 8058 one-click (POST) for mail clients. */
  @Get('unsubscribe')
  @Header('Cache-Control', 'no-store')
  async unsubscribeLink(@Query() raw: unknown, @Res() res: Response): Promise<void> {
    const parsed = tokenParam.safeParse(raw);
    const subscription = parsed.success ? await this.subscriptions.unsubscribe(parsed.data.token) : null;
    if (!subscription) return page(res, 404, 'Link not valid', 'This unsubscribe link is unknown.');
    page(res, 200, 'Unsubscribed', `No more alerts will be sent to ${subscription.email} for this subscription.`);
  }

  @Post('unsubscribe')
  @HttpCode(200)
  async unsubscribeOneClick(@Query() raw: unknown): Promise<{ status: string }> {
    const { token } = validate(tokenParam, raw);
    const subscription = await this.subscriptions.unsubscribe(token);
    return { status: subscription ? 'unsubscribed' : 'unknown' };
  }
}
