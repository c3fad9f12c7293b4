export * from './jobs';
export * from './job-queue.service';
export * from './queue.module';
export * from './redis-connection';
export * from './redis-preflight';
export * from './radar-processor';
export * from './retry';
