import { Module } from '@nestjs/common';
import { RadarConfig } from '@radar/config';
import { QueueModule } from '@radar/queue';
import { SearchModule } from '@radar/search';
import { ClassifierPool } from './classifier-pool';
import { IngestProcessor } from './ingest.processor';
import { IngestService } from './ingest.service';

/** The classifier role: consumes `ingest`, writes the index, produces `match`. */
@Module({
  imports: [QueueModule, SearchModule],
  providers: [
    {
      provide: ClassifierPool,
      inject: [RadarConfig],
      useFactory: (config: RadarConfig) => new ClassifierPool({ threads: config.classifyThreads }),
    },
    IngestService,
    IngestProcessor,
  ],
})
export class ClassifierModule {}
