import { Global, Module } from '@nestjs/common';
import { MetricsStore } from './metrics.store';

/** The cluster-wide metrics store, available to every role. */
@Global()
@Module({ providers: [MetricsStore], exports: [MetricsStore] })
export class MetricsModule {}
