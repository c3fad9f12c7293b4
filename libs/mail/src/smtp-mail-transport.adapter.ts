import { createTransport, type Transporter } from 'nodemailer';
import { MailTransport, OutgoingEmail, PermanentMailError } from './mail-transport.port';

/** Delivery over SMTP (nodemailer), for SMTP_URL=smtp://user:pass@host:port or smtps://... */
export class SmtpMailTransport extends MailTransport {
  private readonly transporter: Transporter;

  constructor(smtpUrl: string) {
    super();
    // A pool of reused connections: one connection per message caps delivery at tens per second.
    this.transporter = createTransport({ url: smtpUrl, pool: true, maxConnections: 5, maxMessages: 500 });
  }

  async send(email: OutgoingEmail): Promise<void> {
    try {
      await this.transporter.sendMail({
        from: email.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: email.messageId,
        headers: email.headers,
      });
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      if (typeof code === 'number' && code >= 500 && code < 600) {
        throw new PermanentMailError(`SMTP refused ${email.to}: ${(error as Error).message}`);
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}
