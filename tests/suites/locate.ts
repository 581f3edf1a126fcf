// Where the prebuilt suites are, and their unpacked copies in the cache.
//
// The tarballs live in the steering repo's shared/suites folder. CI clones
// the repo with a copy of shared/ beside it (../shared/suites from the clone);
// a developer's worktree may sit deeper (/work/wt/NAME with /work/shared), so
// every ancestor's shared/suites is tried. TUXGLASS_SUITES names the folder
// outright.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { cacheDir } from '../../src/host/guestpkg/index.js';
import { REPO } from '../diff/harness.js';

/** The folder holding the suite tarballs, or why there is none. */
export function suitesDir(): { dir?: string; why?: string } {
  const env = process.env['TUXGLASS_SUITES'];
  if (env) {
    const dir = resolve(env);
    return existsSync(dir) ? { dir } : { why: `TUXGLASS_SUITES=${env} does not exist` };
  }
  const tried: string[] = [];
  for (let d = resolve(REPO); ; d = dirname(d)) {
    const c = join(dirname(d), 'shared', 'suites');
    tried.push(c);
    if (existsSync(join(c, 'README.md'))) return { dir: c };
    if (dirname(d) === d) break;
  }
  return { why: `no prebuilt suites found (set TUXGLASS_SUITES; tried ${tried.slice(0, 3).join(', ')}, ...)` };
}

/** Where unpacked suites are kept: .cache/suites beside the guest root (TUXGLASS_CACHE moves both). */
export function suitesCache(): string {
  return process.env['TUXGLASS_SUITES_CACHE'] || join(cacheDir(), 'suites');
}

/**
 * The unpacked tree of one tarball, unpacked on first use and again when
 * the tarball changes (its size and mtime are the stamp). Unpacks into a
 * temporary folder and renames it, so a concurrent runner never sees half a tree.
 */
export function unpacked(tarball: string): string {
  const st = statSync(tarball);
  const stamp = `${st.size} ${Math.floor(st.mtimeMs)}\n`;
  const name = tarball.replace(/^.*\//, '').replace(/\.tar\.zst$/, '');
  const cache = suitesCache();
  const dir = join(cache, name);
  const stampFile = join(dir, '.tuxglass-stamp');
  const fresh = () => existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
  if (fresh()) return dir;
  mkdirSync(cache, { recursive: true });
  const tmp = join(cache, `.tmp-${name}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const r = spawnSync('sh', ['-c', 'zstd -dc "$0" | tar -x -C "$1"', tarball, tmp], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`unpacking ${tarball} failed (needs zstd: apt-get install zstd): ${r.stderr.trim()}`);
  }
  writeFileSync(join(tmp, '.tuxglass-stamp'), stamp);
  if (fresh()) {
    rmSync(tmp, { recursive: true, force: true });
    return dir;
  }
  rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!fresh()) throw e;
  }
  return dir;
}

/** Copies a tree as hard links (cheap, and the source is never written), else as a plain copy. */
export function linkTree(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  let r = spawnSync('cp', ['-al', from, to], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(to, { recursive: true, force: true });
    r = spawnSync('cp', ['-a', from, to], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`copying ${from} to ${to} failed: ${r.stderr.trim()}`);
  }
}

export { REPO };
