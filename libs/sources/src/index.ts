export * from './source';
export * from './source-catalogue';
export * from './source-registry';
export * from './sources.module';
