#!/usr/bin/env node
// Runs the one-file bundle of the CLI when `npm run build` made it after the
// last compile (see scripts/bundle.js), else the compiled modules.
//
// The bundle is compiled with V8's code cache: parsing and compiling 1.5 MB
// of JavaScript is the same on every run, so the bytecode of one run
// (everything compiled by the time it exits, not just the top level) is kept
// next to the bundle, in dist/src/host/cli.bundle.cache, and the next run
// starts from it. V8 checks that the cache matches the source and the flags
// and rejects it otherwise (then this run writes a new one), so a stale or
// foreign cache costs one ordinary compile, never a wrong result.
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const dist = new URL('../dist/src/host/', import.meta.url);
const mtime = (name) => {
  try {
    return statSync(new URL(name, dist)).mtimeMs;
  } catch {
    return -1;
  }
};

if (mtime('cli.bundle.cjs') >= mtime('cli.js') && mtime('cli.js') >= 0) {
  // The flags the CLI sets are part of what the cache must match: set them before compiling.
  (await import('../dist/src/host/v8flags.js')).setV8Flags();
  const file = fileURLToPath(new URL('cli.bundle.cjs', dist));
  const cacheFile = fileURLToPath(new URL('cli.bundle.cache', dist));
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // no cache yet: this run makes it
  }
  // The CommonJS wrapper on the first line keeps the bundle's line numbers in stack traces.
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
  const script = new vm.Script(source, { filename: file, cachedData });
  // for `tuxglass run --stats`
  process.env.TUXGLASS_CODE_CACHE = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted';
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        // written whole under another name, then renamed: runs in parallel never read half a cache
        const tmp = `${cacheFile}.${process.pid}`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        // a read-only installation: every run compiles
      }
    });
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, fileURLToPath(dist));
} else {
  process.env.TUXGLASS_CODE_CACHE = 'unbundled';
  await import('../dist/src/host/cli.js');
}
