export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Deterministic, so a receiver can recognise a resend of the same delivery. */
  messageId: string;
  headers?: Record<string, string>;
}

/** The address or message was refused for good (SMTP 5xx): retrying cannot help. */
export class PermanentMailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentMailError';
  }
}

/** Hands an email to whatever delivers mail: an SMTP server, or the outbox of the embedded mode. */
export abstract class MailTransport {
  /** Resolves once the message is accepted; throws PermanentMailError or a transient error. */
  abstract send(email: OutgoingEmail): Promise<void>;
  abstract close(): Promise<void>;
}
