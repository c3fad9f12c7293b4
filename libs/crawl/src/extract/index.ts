export * from './article-extractor';
export * from './canonical-url';
export * from './html-text';
export * from './main-content';
export * from './page-dates';
