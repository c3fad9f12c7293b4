import { Module } from '@nestjs/common';
import { QueueModule } from '@radar/queue';
import { SearchModule } from '@radar/search';
import { IngestProcessor } from './ingest.processor';
import { IngestService } from './ingest.service';

/** The classifier role: consumes `ingest`, writes the index, produces `match`. */
@Module({
  imports: [QueueModule, SearchModule],
  providers: [IngestService, IngestProcessor],
})
export class ClassifierModule {}
