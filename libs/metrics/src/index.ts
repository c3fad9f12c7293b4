export * from './metrics.store';
export * from './metrics.module';
export * from './prometheus';
