export * from './document';
export * from './text';
export * from './query/ast';
export * from './query/parser';
export * from './query/evaluate';
export * from './taxonomy';
export * from './ids';
export * from './alerts';
