#!/usr/bin/env node
// npm's "prepare" step (run by `npm ci` and `npm install` in a clone, and by
// npx when it installs the package into its cache):
//
// 1. Build (tsc, then the CLI bundle) only when something the build reads is
//    newer than the last build: nothing already built is built again. A
//    build says what it is doing, since it takes a while.
// 2. Link node_modules/.bin/tuxglass to bin/tuxglass.js. `npx tuxglass` looks
//    for the command in node_modules/.bin first; without the link it would
//    install the project into npx's own cache as a file: dependency, which
//    runs this step there and, before (1), rebuilt everything each time.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = join(root, 'dist', '.build-stamp');
/** What the build reads: tsconfig's include, the config itself, the bundler, the package's own settings. */
const INPUT_DIRS = ['src', 'tests', 'bench'];
const INPUT_FILES = ['tsconfig.json', 'package.json', 'package-lock.json', 'scripts/bundle.js'];

/** The newest mtime (ms) of any .ts file under dir. */
function newestTs(dir) {
  let newest = 0;
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return 0; }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'node_modules' && e.name !== 'bin') newest = Math.max(newest, newestTs(p)); }
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function upToDate() {
  let built;
  try { built = statSync(STAMP).mtimeMs; } catch { return false; }
  if (!existsSync(join(root, 'dist', 'src', 'host', 'cli.js'))) return false;
  const inputs = Math.max(...INPUT_DIRS.map((d) => newestTs(join(root, d))),
    ...INPUT_FILES.map((f) => { try { return statSync(join(root, f)).mtimeMs; } catch { return 0; } }));
  return inputs <= built;
}

function step(what, cmd, args) {
  process.stderr.write(`tuxglass: ${what}...\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function build() {
  const t0 = Date.now();
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  step('compiling TypeScript into dist/ (tsc, about a minute the first time)', process.execPath, [tsc, '-p', 'tsconfig.json']);
  step('bundling the command line into one file', process.execPath, [join(root, 'scripts', 'bundle.js')]);
  // The stamp is written after the build, so an input changed while it ran counts as newer next time.
  mkdirSync(dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, '');
  process.stderr.write(`tuxglass: built in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

function linkBin() {
  const binDir = join(root, 'node_modules', '.bin');
  const link = join(binDir, 'tuxglass');
  const target = relative(binDir, join(root, 'bin', 'tuxglass.js'));
  try {
    if (lstatSync(link).isSymbolicLink() && readlinkSync(link) === target) return;
    rmSync(link, { force: true });
  } catch { /* not there yet */ }
  mkdirSync(binDir, { recursive: true });
  try { symlinkSync(target, link); } catch (e) { process.stderr.write(`tuxglass: could not link ${link}: ${e.message}\n`); }
}

if (process.argv.includes('--force') || !upToDate()) build();
// Only in a checkout (where node_modules belongs to this project), not when installed as a dependency.
if (existsSync(join(root, '.git')) || existsSync(join(root, 'node_modules', 'typescript'))) linkBin();
