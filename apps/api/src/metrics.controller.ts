import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { MetricFamily, MetricsStore, renderPrometheus } from '@radar/metrics';
import { JobQueue } from '@radar/queue';
import { SearchIndex } from '@radar/search';
import { sourceHealth, SourceRegistry, SourceStateStore, SourceStatus } from '@radar/sources';
import { Roles } from './auth/access.decorators';

const HELP: Record<string, string> = {
  radar_crawl_outcomes_total:
    'Crawls of a source by outcome (fetched, not-modified, unchanged, skipped, error, rescheduled).',
  radar_documents_ingested_total: 'Items written to the index by outcome (created, updated, unchanged).',
  radar_emails_total: 'Emails by outcome (sent, failed and retried, refused for good).',
  radar_webhooks_total: 'Webhook posts by outcome (sent, failed and retried, refused for good).',
  radar_alerts_total: 'Alert upserts by outcome (created, updated, unchanged).',
  radar_classification_seconds: 'Time to classify one document.',
  radar_alert_latency_seconds: 'From a document being fetched to its alert being created.',
};

/**
 * Prometheus metrics for the whole deployment: queue depth and oldest waiting job per queue and
 * source health read live from Redis; counters and durations recorded by every role in Redis;
 * the number of documents in the index.
 */
@ApiTags('operations')
@Roles()
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: MetricsStore,
    private readonly queue: JobQueue,
    private readonly index: SearchIndex,
    private readonly sources: SourceRegistry,
    private readonly state: SourceStateStore,
  ) {}

  @Get('metrics')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'Queue depths and ages, source health, documents in the index, crawl/ingest/alert/email counters and durations.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text exposition format 0.0.4.',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metricsText(): Promise<string> {
    const [snapshot, stats, documents, states] = await Promise.all([
      this.metrics.snapshot(),
      this.queue.stats(),
      this.index.count(),
      this.state.getMany(this.sources.all().map((s) => s.id)),
    ]);
    const now = Date.now();
    const sourceCounts: Record<SourceStatus, number> = { ok: 0, pending: 0, stale: 0, broken: 0, disabled: 0 };
    for (const s of this.sources.all()) {
      sourceCounts[sourceHealth(s, states.get(s.id)!, now, this.sources.disabledReason(s.id)).status]++;
    }
    const families: MetricFamily[] = [
      {
        name: 'radar_queue_jobs',
        help: 'Jobs per queue and state.',
        type: 'gauge',
        samples: stats.flatMap(({ queue, counts }) =>
          Object.entries(counts).map(([state, value]) => ({ labels: { queue, state }, value })),
        ),
      },
      {
        name: 'radar_queue_oldest_waiting_seconds',
        help: 'Age of the oldest job waiting in each queue (0 when none waits).',
        type: 'gauge',
        samples: stats.map(({ queue, oldestWaitingAgeSeconds }) => ({
          labels: { queue },
          value: oldestWaitingAgeSeconds,
        })),
      },
      {
        name: 'radar_documents',
        help: 'Documents in the search index.',
        type: 'gauge',
        samples: [{ value: documents }],
      },
      {
        name: 'radar_sources',
        help: 'Sources by health status.',
        type: 'gauge',
        samples: Object.entries(sourceCounts).map(([status, value]) => ({ labels: { status }, value })),
      },
    ];
    const counters = new Map<string, MetricFamily>();
    for (const c of snapshot.counters) {
      const family = counters.get(c.name) ?? {
        name: c.name,
        help: HELP[c.name] ?? c.name,
        type: 'counter',
        samples: [],
      };
      family.samples.push({ labels: c.labels, value: c.value });
      counters.set(c.name, family);
    }
    families.push(...counters.values());
    for (const d of snapshot.durations) {
      families.push({
        name: d.name,
        help: HELP[d.name] ?? d.name,
        type: 'summary',
        samples: [
          { suffix: '_sum', value: d.sum },
          { suffix: '_count', value: d.count },
        ],
      });
    }
    return renderPrometheus(families);
  }
}
