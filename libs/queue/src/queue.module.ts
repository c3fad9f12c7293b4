import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { RadarConfig } from '@radar/config';
import { QueueName } from './jobs';
import { JobQueue } from './job-queue.service';
import { redisOptionsFromUrl } from './redis-connection';

const queues = Object.values(QueueName).map((name) => ({ name }));

/** BullMQ on the configured Redis, under the configured key prefix (tests use their own). */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [RadarConfig],
      useFactory: (config: RadarConfig) => ({
        connection: redisOptionsFromUrl(config.redisUrl),
        prefix: config.queuePrefix,
      }),
    }),
    BullModule.registerQueue(...queues),
  ],
  providers: [JobQueue],
  exports: [JobQueue, BullModule],
})
export class QueueModule {}
