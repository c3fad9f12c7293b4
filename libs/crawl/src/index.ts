export * from './parser';
export * from './parsers/feed-parser';
