export * from './source';
export * from './source-catalogue';
export * from './source-health';
export * from './source-registry';
export * from './source-state.store';
export * from './sources.module';
