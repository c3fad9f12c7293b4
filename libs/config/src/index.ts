export * from './radar.config';
export * from './config.module';
