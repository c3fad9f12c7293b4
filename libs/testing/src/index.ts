export * from './shared-data';
export * from './poll-until';
export * from './loopback-servers';
export * from './test-env';
export * from './webhook-receiver';
