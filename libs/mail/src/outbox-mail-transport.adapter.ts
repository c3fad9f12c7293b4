import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MailTransport, OutgoingEmail } from './mail-transport.port';

export interface OutboxEntry extends OutgoingEmail {
  file: string;
  writtenAt: string;
}

/**
 * The embedded default when SMTP_URL is unset: each email becomes a JSON file in DATA_DIR/outbox
 * (written to a temporary name and renamed, so a reader never sees half a message), listed by the API.
 */
export class OutboxMailTransport extends MailTransport {
  constructor(readonly dir: string) {
    super();
    mkdirSync(dir, { recursive: true });
  }

  async send(email: OutgoingEmail): Promise<void> {
    const writtenAt = new Date().toISOString();
    const safeId = email.messageId.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 120);
    const name = `${writtenAt.replace(/[:.]/g, '-')}-${safeId}.json`;
    const tmp = join(this.dir, `.${name}.tmp`);
    writeFileSync(tmp, JSON.stringify({ ...email, writtenAt }, null, 2));
    renameSync(tmp, join(this.dir, name));
  }

  /** Newest first. */
  list(limit = 50): OutboxEntry[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
      .sort()
      .reverse()
      .slice(0, limit)
      .map((file) => ({
        ...(JSON.parse(readFileSync(join(this.dir, file), 'utf8')) as OutgoingEmail & { writtenAt: string }),
        file,
      }));
  }

  async close(): Promise<void> {
    // nothing held open
  }
}
