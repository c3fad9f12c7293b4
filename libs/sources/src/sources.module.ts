import { Module } from '@nestjs/common';
import { SourceRegistry } from './source-registry';
import { SourceStateStore } from './source-state.store';

/** The source catalogue and the crawl state of each source. */
@Module({ providers: [SourceRegistry, SourceStateStore], exports: [SourceRegistry, SourceStateStore] })
export class SourcesModule {}
