// The host side of the initramfs: a root directory packed into a
// gzip-compressed cpio newc archive (what `find . | cpio -o -H newc | gzip`
// makes), cached under .cache/initramfs keyed by the tree's listing so that
// a changed root is packed again and an unchanged one is not.
import { createHash } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { once } from 'node:events';
import { newcHeader, newcTrailer, pad4, type CpioEntry } from '../kernel/boot/cpio.js';
import { cacheDir } from './guestpkg/paths.js';

/** Bumped when the archive's layout changes, so old caches are not reused. */
const FORMAT = 1;

interface Item {
  name: string;
  st: Stats;
  extra?: CpioEntry;
}

/** Linux's device numbers from a dev_t as Node reports it (new_encode_dev's inverse). */
const major = (d: number) => (Math.floor(d / 256) & 0xfff) | (Math.floor(d / 2 ** 32) & ~0xfff);
const minor = (d: number) => (d & 0xff) | (Math.floor(d / 4096) & ~0xff);

/**
 * The tree in archive order: each directory before what it holds, names
 * sorted. Like the kernel's default initramfs, /dev/console is added when
 * the tree has none, so that init has a console before devtmpfs is mounted.
 */
export function listTree(root: string): Item[] {
  const out: Item[] = [];
  const walk = (rel: string) => {
    const names = readdirSync(rel ? join(root, rel) : root).sort();
    for (const n of names) {
      const name = rel ? `${rel}/${n}` : n;
      const st = lstatSync(join(root, name));
      out.push({ name, st });
      if (st.isDirectory()) walk(name);
    }
  };
  walk('');
  if (!out.some((i) => i.name === 'dev/console')) {
    const now = Math.floor(Date.now() / 1000);
    const console: CpioEntry = {
      name: 'dev/console',
      ino: 0,
      mode: 0o20600,
      uid: 0,
      gid: 0,
      nlink: 1,
      mtime: 0,
      filesize: 0,
      devMajor: 0,
      devMinor: 0,
      rdevMajor: 5,
      rdevMinor: 1,
    };
    const dev = out.findIndex((i) => i.name === 'dev');
    if (dev < 0)
      out.unshift(
        { name: 'dev', st: null as unknown as Stats, extra: { ...console, name: 'dev', mode: 0o40755, nlink: 2, rdevMajor: 0, rdevMinor: 0, mtime: now } },
        { name: 'dev/console', st: null as unknown as Stats, extra: console },
      );
    else out.splice(dev + 1, 0, { name: 'dev/console', st: null as unknown as Stats, extra: console });
  }
  return out;
}

/** What the cache key covers: every entry's name, type, mode, owner, size, mtime and link target. */
export function treeKey(root: string, items: Item[]): string {
  const h = createHash('sha256');
  h.update(`tuxglass-initramfs ${FORMAT}\n`);
  for (const { name, st } of items) {
    if (!st) {
      h.update(`${name} extra\n`);
      continue;
    }
    h.update(`${name} ${st.mode} ${st.uid} ${st.gid} ${st.size} ${st.mtimeMs} ${st.nlink} ${st.rdev}`);
    if (st.isSymbolicLink()) h.update(` -> ${readlinkSync(join(root, name))}`);
    h.update('\n');
  }
  return h.digest('hex').slice(0, 16);
}

export interface PackResult {
  files: number;
  bytes: number;
  compressed: number;
}

/** Write the archive of `root` to `dest` (gzip'd cpio newc). */
export async function packInitramfs(root: string, dest: string, items = listTree(root)): Promise<PackResult> {
  const gz = createGzip({ level: 6 });
  const file = createWriteStream(dest);
  gz.pipe(file);
  let bytes = 0;
  const write = async (b: Uint8Array) => {
    bytes += b.length;
    if (!gz.write(b)) await once(gz, 'drain');
  };
  // Hard links: one inode number per host inode; the data goes with the last name (as GNU cpio does).
  const inos = new Map<string, number>();
  const seen = new Map<string, number>();
  const total = new Map<string, number>();
  for (const { st } of items) if (st && st.isFile() && st.nlink > 1) total.set(`${st.dev}:${st.ino}`, (total.get(`${st.dev}:${st.ino}`) ?? 0) + 1);
  let nextIno = 1;
  let files = 0;
  const zero = new Uint8Array(4);
  for (const { name, st, extra } of items) {
    if (extra) {
      await write(newcHeader({ ...extra, ino: nextIno++ }));
      files++;
      continue;
    }
    const key = `${st.dev}:${st.ino}`;
    const linked = total.has(key);
    let ino = linked ? inos.get(key) : undefined;
    if (ino === undefined) {
      ino = nextIno++;
      if (linked) inos.set(key, ino);
    }
    let data: Uint8Array = new Uint8Array(0);
    if (st.isSymbolicLink()) data = readlinkSync(join(root, name), { encoding: 'buffer' });
    else if (st.isFile()) {
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      if (!linked || n === total.get(key)) data = readFileSync(join(root, name));
    }
    const isDev = st.isCharacterDevice() || st.isBlockDevice();
    await write(
      newcHeader({
        name,
        ino,
        mode: st.mode,
        uid: st.uid,
        gid: st.gid,
        nlink: linked ? total.get(key)! : st.nlink,
        mtime: Math.floor(st.mtimeMs / 1000),
        filesize: data.length,
        devMajor: 0,
        devMinor: 0,
        rdevMajor: isDev ? major(st.rdev) : 0,
        rdevMinor: isDev ? minor(st.rdev) : 0,
      }),
    );
    if (data.length) {
      await write(data);
      if (pad4(data.length) !== data.length) await write(zero.subarray(0, pad4(data.length) - data.length));
    }
    files++;
  }
  await write(newcTrailer());
  gz.end();
  await once(file, 'close');
  return { files, bytes, compressed: lstatSync(dest).size };
}

export interface CachedInitramfs extends Partial<PackResult> {
  path: string;
  packed: boolean;
  ms: number;
}

/** The archive of `root`, packed now or taken from the cache. */
export async function ensureInitramfs(root: string, dir = join(cacheDir(), 'initramfs')): Promise<CachedInitramfs> {
  const start = performance.now();
  const items = listTree(root);
  const path = join(dir, `rootfs-${treeKey(root, items)}.cpio.gz`);
  if (existsSync(path)) return { path, packed: false, ms: performance.now() - start };
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const r = await packInitramfs(root, tmp, items);
    renameSync(tmp, path);
    // Older archives (of a root that has changed since) are dropped once unused for a while.
    const stale = Date.now() - 3600_000;
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (p !== path && f.endsWith('.cpio.gz') && statSync(p).atimeMs < stale && statSync(p).mtimeMs < stale) rmSync(p, { force: true });
    }
    return { path, packed: true, ms: performance.now() - start, ...r };
  } finally {
    rmSync(tmp, { force: true });
  }
}
