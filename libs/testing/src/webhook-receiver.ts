import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ReceivedPost {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as received (what a signature is computed over). */
  body: string;
  at: number;
}

/** What the receiver answers: a status (and body), or `hang` to never answer. */
export type ReceiverAnswer = { status: number; body?: string } | 'hang';

/**
 * A real HTTP server on loopback that records every request with its raw body and answers from
 * a script: one answer per request in order (the last one repeats), so a test can say "500 once,
 * then 200".
 */
export class WebhookReceiver {
  readonly posts: ReceivedPost[] = [];
  private answers: ReceiverAnswer[] = [{ status: 200 }];
  private server?: Server;
  url = '';

  /** Answers for the coming requests, in order; the last one repeats. */
  answer(...answers: ReceiverAnswer[]): void {
    this.answers = answers.length ? answers : [{ status: 200 }];
  }

  received(path?: string): ReceivedPost[] {
    return path === undefined ? this.posts : this.posts.filter((p) => p.path === path);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.posts.push({
          path: req.url ?? '/',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        });
        const answer = this.answers.length > 1 ? this.answers.shift()! : this.answers[0]!;
        if (answer === 'hang') return;
        res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body ?? '');
      });
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
