export * from './ip-ranges';
export * from './address-guard';
