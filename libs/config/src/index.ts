export * from './radar.config';
export * from './config.module';
export * from './secret-store';
