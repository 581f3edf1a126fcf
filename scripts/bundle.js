#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/host/cli.js and everything it imports)
// into one file next to it, dist/src/host/cli.bundle.cjs: Node then starts
// tuxglass without resolving and reading some 150 modules one by one.
// bin/tuxglass.js uses the bundle only while it is newer than cli.js (tsc
// rewrites every output), so a plain `tsc` never leaves a stale bundle in use.
// The bundle is a CommonJS function body rather than an ES module because
// Node (before 22) can keep V8's code cache only for a vm.Script: the
// launcher compiles it with the cache of the last run (cli.bundle.cache,
// removed here since it belongs to the old bundle). import.meta.url, which
// CommonJS lacks, becomes the bundle's own file URL, as it was in the ES
// module bundle.
// Without esbuild (a dev dependency) nothing is bundled and the CLI runs
// from the separate modules.
import { rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.error('bundle: esbuild is not installed; the CLI runs unbundled');
  process.exit(0);
}
await esbuild.build({
  entryPoints: [join(root, 'dist/src/host/cli.js')],
  outfile: join(root, 'dist/src/host/cli.bundle.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
});
rmSync(join(root, 'dist/src/host/cli.bundle.cache'), { force: true });
// the ES module bundle of earlier builds
rmSync(join(root, 'dist/src/host/cli.bundle.js'), { force: true });
