import 'reflect-metadata';
import { QueueName, radarBackoffStrategy } from '@radar/queue';
import { IngestProcessor } from '../../classifier/src/ingest.processor';
import { CrawlProcessor } from '../../crawler/src/crawl.processor';
import { EmailProcessor } from '../../notifier/src/email.processor';
import { MatchProcessor } from '../../notifier/src/match.processor';
import { WebhookProcessor } from '../../notifier/src/webhook.processor';

/** What Nest hands BullMQ for each consumer (its `@Processor` metadata). */
const workerOptions = (target: object): { settings?: { backoffStrategy?: unknown } } =>
  Reflect.getMetadata('bullmq:worker_metadata', target) ?? {};

describe('queue consumers', () => {
  it('one per queue, and every one knows the patient back-off its jobs may use', () => {
    const consumers = [IngestProcessor, CrawlProcessor, EmailProcessor, MatchProcessor, WebhookProcessor];
    const queues = consumers.map((c) => (Reflect.getMetadata('bullmq:processor_metadata', c) as { name: string }).name);
    expect(queues.sort()).toEqual(Object.values(QueueName).sort());
    for (const consumer of consumers) {
      expect(workerOptions(consumer).settings?.backoffStrategy).toBe(radarBackoffStrategy);
    }
  });
});
