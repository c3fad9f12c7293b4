export * from './signature';
export * from './payloads';
export * from './webhook-transport.adapter';
export * from './webhook.module';
