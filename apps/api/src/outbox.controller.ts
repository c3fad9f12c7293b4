import { Controller, Get, NotFoundException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MailTransport, OutboxEntry, OutboxMailTransport } from '@radar/mail';
import { ApiNotFound } from './ops/openapi.decorators';
import { Roles } from './auth/access.decorators';

/** Mail written to DATA_DIR/outbox when SMTP_URL is unset, newest first. */
@ApiTags('operations')
@Roles()
@Controller('api/outbox')
export class OutboxController {
  constructor(private readonly transport: MailTransport) {}

  @Get()
  @ApiOperation({ summary: 'Mail written to DATA_DIR/outbox (when SMTP_URL is unset), newest first' })
  @ApiOkResponse({ schema: { type: 'object', properties: { messages: { type: 'array', items: { type: 'object' } } } } })
  @ApiNotFound('Mail goes over SMTP (SMTP_URL is set): there is no outbox.')
  list(): { messages: OutboxEntry[] } {
    if (!(this.transport instanceof OutboxMailTransport)) {
      throw new NotFoundException('mail is delivered over SMTP (SMTP_URL is set); there is no outbox');
    }
    return { messages: this.transport.list() };
  }
}
