import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface FixtureResponse {
  status?: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

/** A real HTTP server on loopback serving whatever the test sets per path; counts requests. */
export class FixtureHttpServer {
  private readonly routes = new Map<string, FixtureResponse | ((headers: IncomingHttpHeaders) => FixtureResponse)>();
  readonly requests: { path: string; headers: IncomingHttpHeaders }[] = [];
  private server?: Server;
  url = '';

  set(path: string, response: FixtureResponse | ((headers: IncomingHttpHeaders) => FixtureResponse)): void {
    this.routes.set(path, response);
  }

  hits(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      this.requests.push({ path, headers: req.headers });
      const route = this.routes.get(path);
      const response = typeof route === 'function' ? route(req.headers) : route;
      if (!response) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(response.status ?? 200, {
        'content-type': 'application/rss+xml; charset=utf-8',
        ...response.headers,
      });
      res.end(response.body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}

/** A real SMTP server in-process (smtp-server); messages parsed with mailparser. */
export class TestSmtpServer {
  readonly messages: ParsedMail[] = [];
  /** SMTP reply code to refuse with, or undefined to accept. */
  rejectWith?: { code: number; message: string };
  private server?: SMTPServer;
  port = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (this.rejectWith) {
            const error = new Error(this.rejectWith.message) as Error & { responseCode: number };
            error.responseCode = this.rejectWith.code;
            callback(error);
            return;
          }
          simpleParser(Buffer.concat(chunks)).then(
            (mail) => {
              this.messages.push(mail);
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    this.port = await freePort();
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    return this;
  }

  to(address: string): ParsedMail[] {
    return this.messages.filter((m) => {
      const to = Array.isArray(m.to) ? m.to : m.to ? [m.to] : [];
      return to.some((t) => t.value.some((v) => v.address?.toLowerCase() === address.toLowerCase()));
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
