/**
 * Worker-thread code for tests run from TypeScript sources (give it to `new Worker(code, { eval:
 * true, workerData: { entry } })`): it compiles `.ts` files on require with @swc/core, as
 * @swc/jest does, maps `@radar/<lib>` to libs/<lib>/src, then loads the worker script `entry`
 * (a path from the repository root).
 */
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export const TS_WORKER_CODE = `
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const Module = require('node:module');
const { workerData } = require('node:worker_threads');
const { transformSync } = require('@swc/core');
const root = ${JSON.stringify(ROOT)};
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const lib = /^@radar\\/([\\w-]+)$/.exec(request);
  return resolveFilename.call(this, lib ? join(root, 'libs', lib[1], 'src') : request, ...rest);
};
Module._extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
require(join(root, workerData.entry));
`;
