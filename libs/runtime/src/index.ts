export * from './boot';
export { API_KEY_SCHEME } from './http-surface';
