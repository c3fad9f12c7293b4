import { Controller, Get, NotFoundException } from '@nestjs/common';
import { MailTransport, OutboxEntry, OutboxMailTransport } from '@radar/mail';

/** Mail written to DATA_DIR/outbox when SMTP_URL is unset, newest first. */
@Controller('api/outbox')
export class OutboxController {
  constructor(private readonly transport: MailTransport) {}

  @Get()
  list(): { messages: OutboxEntry[] } {
    if (!(this.transport instanceof OutboxMailTransport)) {
      throw new NotFoundException('mail is delivered over SMTP (SMTP_URL is set); there is no outbox');
    }
    return { messages: this.transport.list() };
  }
}
