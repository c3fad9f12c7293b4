export * from './parser';
export * from './parsers';
export * from './identifiers';
export * from './page-watch';
export * from './extract';
