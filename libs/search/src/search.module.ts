import { join } from 'node:path';
import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { RadarConfig } from '@radar/config';
import { SearchIndex } from './search-index.port';
import { SqliteSearchIndex } from './sqlite/sqlite-search-index.adapter';

/** The SQLite database file of the embedded default. */
export function sqliteFile(config: RadarConfig): string {
  return join(config.dataDir, 'radar.sqlite');
}

async function createSearchIndex(config: RadarConfig): Promise<SearchIndex> {
  switch (config.searchBackend) {
    case 'sqlite': {
      const index = new SqliteSearchIndex({ file: sqliteFile(config) });
      await index.init();
      return index;
    }
    case 'elasticsearch':
      throw new Error(
        'SEARCH_BACKEND=elasticsearch: this build has no Elasticsearch adapter yet; unset SEARCH_BACKEND to use the embedded SQLite index',
      );
  }
}

/** Chooses the SearchIndex adapter from SEARCH_BACKEND; the rest of the system sees only the port. */
@Module({
  providers: [{ provide: SearchIndex, inject: [RadarConfig], useFactory: createSearchIndex }],
  exports: [SearchIndex],
})
export class SearchModule implements OnApplicationShutdown {
  constructor(@Inject(SearchIndex) private readonly index: SearchIndex) {}

  async onApplicationShutdown(): Promise<void> {
    await this.index.close();
  }
}
