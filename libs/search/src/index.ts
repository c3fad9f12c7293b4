export * from './search-index.port';
export * from './search.module';
export { BROAD_MATCHES, SqliteSearchIndex, type SqliteSearchIndexOptions } from './sqlite/sqlite-search-index.adapter';
export {
  ElasticsearchSearchIndex,
  type ElasticsearchSearchIndexOptions,
} from './elasticsearch/elasticsearch-search-index.adapter';
