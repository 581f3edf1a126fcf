#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/host/cli.js and everything it imports)
// into one file next to it, dist/src/host/cli.bundle.js: Node then starts
// tuxglass without resolving and reading some 150 modules one by one.
// bin/tuxglass.js uses the bundle only while it is newer than cli.js (tsc
// rewrites every output), so a plain `tsc` never leaves a stale bundle in use.
// Without esbuild (a dev dependency) nothing is bundled and the CLI runs
// from the separate modules.
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
  outfile: join(root, 'dist/src/host/cli.bundle.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
