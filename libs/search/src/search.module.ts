import { join } from 'node:path';
import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { RadarConfig } from '@radar/config';
import { SearchIndex } from './search-index.port';
import { ElasticsearchSearchIndex } from './elasticsearch/elasticsearch-search-index.adapter';
import { SqliteSearchIndex } from './sqlite/sqlite-search-index.adapter';

/** The SQLite database file of the embedded default. */
export function sqliteFile(config: RadarConfig): string {
  return join(config.dataDir, 'radar.sqlite');
}

/** Opens the configured backend (for commands that run outside the Nest app). */
export async function createSearchIndex(config: RadarConfig): Promise<SearchIndex> {
  switch (config.searchBackend) {
    case 'sqlite': {
      const index = new SqliteSearchIndex({ file: sqliteFile(config) });
      await index.init();
      return index;
    }
    case 'elasticsearch': {
      if (!config.elasticsearchUrl) throw new Error('SEARCH_BACKEND=elasticsearch needs ELASTICSEARCH_URL');
      const index = new ElasticsearchSearchIndex({ node: config.elasticsearchUrl });
      await index.init();
      return index;
    }
  }
}

/**
 * `radar reindex`: rebuilds the configured backend's derived index from the stored documents
 * (SQLite: full-text rows and tags; Elasticsearch: a new versioned index, aliases swapped with
 * no downtime). Returns the number of documents reindexed.
 */
export async function reindexSearch(config: RadarConfig): Promise<number> {
  const index = await createSearchIndex(config);
  try {
    return await index.reindex();
  } finally {
    await index.close();
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
