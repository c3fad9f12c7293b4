import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Express, RequestHandler } from 'express';

/** Bull Board over the given BullMQ queues, served under `basePath`: the only code that talks to Bull Board. */
export class QueueDashboardAdapter {
  private readonly server = new ExpressAdapter();

  constructor(queues: Queue[], basePath: string) {
    this.server.setBasePath(basePath);
    createBullBoard({
      queues: queues.map((q) => new BullMQAdapter(q)),
      // @bull-board/express 9.10.1 pins its own @bull-board/api 9.10.1 next to our 9.10.2: the same
      // interface declared twice (a private field differs), so the types disagree but the calls match.
      serverAdapter: this.server as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
      options: { uiConfig: { boardTitle: 'Policy Radar queues' } },
    });
  }

  /** An Express router to mount at the base path. */
  router(): RequestHandler {
    const app = this.server.getRouter() as Express;
    app.disable('x-powered-by');
    return app;
  }
}
