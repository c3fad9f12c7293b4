#!/usr/bin/env node
// The `radar` command. `npm ci` builds dist/ (the prepare script); this only loads it.
const path = require('node:path');
const entry = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
try {
  require.resolve(entry);
} catch {
  process.stderr.write('radar: not built yet; run `npm run build` in ' + path.join(__dirname, '..') + '\n');
  process.exit(1);
}
require(entry).run(process.argv.slice(2));
