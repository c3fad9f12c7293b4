import type { Socket } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { freePort, pollUntil } from '@radar/testing';

export interface ReceivedMail {
  messageId: string;
  to: string[];
  subject: string;
  receivedAt: number;
}

interface HeldReply {
  mail: ReceivedMail;
  socket: Socket | undefined;
  reply: (error?: Error | null) => void;
}

/** Header `name` of a raw message (unfolded), or ''. */
function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : '';
}

/**
 * A real SMTP server on loopback (smtp-server) for the fault scenarios: it can go down (the port
 * refuses connections and open connections drop) and come back on the same port, and it can hold
 * its reply to the end of DATA, so a test can kill the sender while a message is mid-send.
 *
 * A message counts as received when the server answers 250 to it: that answer is where SMTP
 * hands over responsibility for a message (RFC 5321 §6.1). A held message whose connection
 * dropped before the answer was never accepted, and the sender must send it again.
 */
export class FaultSmtpServer {
  readonly received: ReceivedMail[] = [];
  private readonly server: SMTPServer;
  private readonly sockets = new Map<number, Socket>();
  private held: HeldReply[] = [];
  private holding = false;
  port = 0;
  /** Listening (false while the test has it down). */
  up = false;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 1024 * 1024,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => this.onMessage(Buffer.concat(chunks).toString('utf8'), session, callback));
      },
    });
    this.server.server.on('connection', (socket: Socket) => {
      const port = socket.remotePort ?? 0;
      this.sockets.set(port, socket);
      socket.once('close', () => {
        if (this.sockets.get(port) === socket) this.sockets.delete(port);
      });
    });
    this.server.on('error', () => undefined);
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Starts listening (on the same port as before when restarted). */
  async start(): Promise<this> {
    if (this.port === 0) this.port = await freePort();
    await new Promise<void>((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.server.listen(this.port, '127.0.0.1', () => {
        this.server.server.off('error', reject);
        resolve();
      });
    });
    this.up = true;
    return this;
  }

  /** Down: stops listening (connections are refused) and drops every open connection at once. */
  async stop(): Promise<void> {
    this.up = false;
    const closed = new Promise<void>((resolve) => this.server.server.close(() => resolve()));
    for (const socket of this.sockets.values()) socket.destroy();
    for (const h of this.held) h.reply(new Error('server going down'));
    this.held = [];
    await closed;
  }

  private onMessage(raw: string, session: SMTPServerSession, reply: (error?: Error | null) => void): void {
    const mail: ReceivedMail = {
      messageId: header(raw, 'Message-ID').replace(/^<|>$/g, ''),
      to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
      subject: header(raw, 'Subject'),
      receivedAt: 0,
    };
    if (this.holding) {
      this.held.push({ mail, socket: this.sockets.get(session.remotePort), reply });
      return;
    }
    this.accept(mail, reply);
  }

  private accept(mail: ReceivedMail, reply: (error?: Error | null) => void): void {
    mail.receivedAt = Date.now();
    this.received.push(mail);
    reply();
  }

  /** From now on the answer to each message's end of DATA is held until `release`. */
  hold(): void {
    this.holding = true;
  }

  get heldCount(): number {
    return this.held.length;
  }

  /**
   * Answers the held messages: 250 to those whose connection is still open; those whose sender
   * went away before an answer are dropped (they were never accepted). Waits first until every
   * held message's connection is either open with its sender alive or seen closed.
   */
  async release(senderGone = false): Promise<{ accepted: number; dropped: number }> {
    this.holding = false;
    if (senderGone) {
      await pollUntil(
        () => this.held.filter((h) => h.socket && !h.socket.destroyed).length,
        (n) => n === 0,
        { timeoutMs: 10000, what: 'the killed sender’s SMTP connections to close' },
      );
    }
    let accepted = 0;
    let dropped = 0;
    for (const h of this.held) {
      if (!h.socket || h.socket.destroyed) {
        dropped++;
        h.reply(new Error('connection lost before the reply'));
      } else {
        accepted++;
        this.accept(h.mail, h.reply);
      }
    }
    this.held = [];
    return { accepted, dropped };
  }

  /** Waits until no client holds a connection (after the sender was killed: its sockets closed). */
  async connectionsClosed(): Promise<void> {
    await pollUntil(
      () => this.sockets.size,
      (n) => n === 0,
      { timeoutMs: 10000, what: 'every SMTP connection to close' },
    );
  }

  /** Message-IDs received, with how many times each. */
  counts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of this.received) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
    return counts;
  }

  async close(): Promise<void> {
    if (this.up) await this.stop();
  }
}
