/** Test-only entry point: the conformance suite uses jest globals, so it is not part of `@radar/search`. */
export * from './search-index.conformance';
