// Where the guest package cache lives. Node-only: resolves the package root
// from this module's own URL so the cache sits next to tuxglass, not the cwd.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding tuxglass's package.json (compiled code is in dist/src/host/guestpkg/). */
export function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  let first: string | undefined;
  for (let dir = here; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      first ??= dir;
      if (packageName(manifest) === 'tuxglass') return dir;
    }
    if (dirname(dir) === dir) break;
  }
  return first ?? resolve(here, '../../../..');
}

function packageName(file: string): string | undefined {
  try {
    const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof json === 'object' && json !== null && 'name' in json && typeof json.name === 'string') return json.name;
  } catch {
    // unreadable or not JSON: not ours
  }
  return undefined;
}

/** tuxglass's own version, recorded in the stamp so an upgrade can rebuild the cache. */
export function packageVersion(): string {
  try {
    const json: unknown = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8'));
    if (typeof json === 'object' && json !== null && 'version' in json && typeof json.version === 'string') return json.version;
  } catch {
    // fall through
  }
  return '0';
}

export function cacheDir(): string {
  const env = process.env['TUXGLASS_CACHE'];
  return env !== undefined && env !== '' ? resolve(env) : join(packageRoot(), '.cache');
}

export function defaultRootfsDir(): string {
  return join(cacheDir(), 'rootfs');
}

/** Fixed layout of the cache; one place so every step agrees. */
export interface CacheLayout {
  root: string;
  apt: string; // private apt configuration and state
  debs: string; // downloaded .deb files
  unpacked: string; // each .deb's data archive, unpacked once
  rootfs: string;
  manifest: string; // what went into the rootfs
  stamp: string; // present only once the rootfs is completely assembled
}

export function cacheLayout(root: string = cacheDir()): CacheLayout {
  return {
    root,
    apt: join(root, 'apt'),
    debs: join(root, 'debs'),
    unpacked: join(root, 'unpacked'),
    rootfs: join(root, 'rootfs'),
    manifest: join(root, 'manifest.json'),
    stamp: join(root, 'rootfs.stamp'),
  };
}
