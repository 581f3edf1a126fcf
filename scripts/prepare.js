#!/usr/bin/env node
// npm's "prepare" step: build (tsc, then the CLI bundle) only when
// something the build reads is newer than the last build, so nothing already
// built is built again; a build says what it is doing, since it takes a while.
//
// It matters for npx: `npx tuxglass` in the checkout finds the bin in the
// project's own package.json and installs the project into npx's cache as a
// linked directory dependency, which runs this step again (npm's libnpmexec
// does this on purpose, before it looks in node_modules/.bin). That used to
// rebuild everything behind npm's spinner; now it finds the build current.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
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
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'bin') newest = Math.max(newest, newestTs(p));
    } else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function upToDate() {
  let built;
  try {
    built = statSync(STAMP).mtimeMs;
  } catch {
    return false;
  }
  if (!existsSync(join(root, 'dist', 'src', 'host', 'cli.js'))) return false;
  const inputs = Math.max(
    ...INPUT_DIRS.map((d) => newestTs(join(root, d))),
    ...INPUT_FILES.map((f) => {
      try {
        return statSync(join(root, f)).mtimeMs;
      } catch {
        return 0;
      }
    }),
  );
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
  // The stamp carries the time the build started: an input changed while it ran is newer, and builds next time.
  mkdirSync(dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, '');
  utimesSync(STAMP, new Date(t0), new Date(t0));
  process.stderr.write(`tuxglass: built in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

if (process.argv.includes('--force') || !upToDate()) build();
