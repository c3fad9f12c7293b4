export * from './search-index.port';
export * from './search.module';
export { SqliteSearchIndex, type SqliteSearchIndexOptions } from './sqlite/sqlite-search-index.adapter';
