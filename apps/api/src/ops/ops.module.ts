import { getQueueToken } from '@nestjs/bullmq';
import { Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { RadarConfig } from '@radar/config';
import { QueueModule, QueueName } from '@radar/queue';
import type { Queue } from 'bullmq';
import { adminAuth } from './admin-auth.middleware';
import { QueueDashboardAdapter } from './queue-dashboard.adapter';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * Operator pages: the Bull Board queue dashboard at /admin/queues, behind ADMIN_TOKEN. Without
 * ADMIN_TOKEN nothing is mounted (a 404), so a deployment never exposes it by accident.
 */
@Module({ imports: [QueueModule] })
export class OpsModule implements OnModuleInit {
  private readonly logger = new Logger('Ops');

  constructor(
    private readonly config: RadarConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Runs after the routes are registered and before the 404 handler, on the Express instance. */
  onModuleInit(): void {
    const http = this.adapterHost.httpAdapter;
    if (!http) return;
    if (!this.config.adminToken) {
      this.logger.log(`queue dashboard not served: set ADMIN_TOKEN to enable ${QUEUE_DASHBOARD_PATH}`);
      return;
    }
    const queues = Object.values(QueueName).map((name) =>
      this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }),
    );
    const dashboard = new QueueDashboardAdapter(queues, QUEUE_DASHBOARD_PATH);
    http.use(QUEUE_DASHBOARD_PATH, adminAuth(this.config.adminToken, QUEUE_DASHBOARD_PATH), dashboard.router());
    this.logger.log(`queue dashboard at ${QUEUE_DASHBOARD_PATH} (ADMIN_TOKEN required)`);
  }
}
