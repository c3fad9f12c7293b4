export * from './mail-transport.port';
export * from './smtp-mail-transport.adapter';
export * from './outbox-mail-transport.adapter';
export * from './templates';
export * from './subscription-links';
export * from './mail.module';
