// populate_rootfs (init/initramfs.c): the initramfs image the boot loader
// handed over is a (gzip-compressed) cpio newc archive, unpacked into the
// rootfs tmpfs before init runs. A file's contents stay where the
// decompressed archive holds them: the tmpfs file is backed by that
// subarray, and its pages enter the page cache only when first touched.
import { gunzipSync } from 'fflate';
import type { Kernel } from '../kernel.js';
import { KERN_EMERG, KERN_INFO } from '../printk.js';
import { CpioError, TRAILER, parseNewc, type ParsedEntry } from './cpio.js';
import { walkParent, type WalkCtx } from '../fs/namei.js';
import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK, isDir, type Inode } from '../fs/inode.js';
import { makedev } from '../fs/special.js';
import { TmpfsFile } from '../fs/tmpfs.js';

const root = { fsuid: 0, fsgid: 0, groups: [] as number[] };
const PAGE = 4096;

/** Unpack `image` into the root file system; Linux's error text, or null. */
export function populateRootfs(k: Kernel, image: Uint8Array): string | null {
  k.log.printk(KERN_INFO, 'Trying to unpack rootfs image as initramfs...');
  let err: string | null = null;
  try {
    for (const _ of unpackSteps(k, decompress(k, image)));
  } catch (e) {
    err = badArchive(k, e);
  }
  freeInitrd(k, image);
  return err;
}

/** How long the asynchronous unpack works before it lets the host's event loop turn (ms of host time). */
const UNPACK_SLICE_MS = 10;

/**
 * populate_rootfs as Linux runs it by default (initramfs_async): beside the
 * rest of the boot, here beside the host's event loop. The host decompresses
 * off its event loop where it can (gunzipAsync), and the entries are made in
 * slices with a turn of the host's event loop between them, so the escape
 * keys and signals are served during a long unpack. kernel_init waits for
 * it (wait_for_initramfs): the caller awaits it before starting init.
 */
export async function populateRootfsAsync(k: Kernel, image: Uint8Array): Promise<string | null> {
  k.log.printk(KERN_INFO, 'Trying to unpack rootfs image as initramfs...');
  let err: string | null = null;
  try {
    const gunzipAsync = k.host.gunzipAsync;
    const cpio =
      isGzip(image) && gunzipAsync
        ? await gunzipAsync(image).catch(() => {
            throw new CpioError('decompressor failed');
          })
        : decompress(k, image);
    let sliceStart = k.host.monotonicMs();
    for (const _ of unpackSteps(k, cpio)) {
      if (k.host.monotonicMs() - sliceStart < UNPACK_SLICE_MS) continue;
      await k.host.yield();
      sliceStart = k.host.monotonicMs();
    }
  } catch (e) {
    err = badArchive(k, e);
  }
  freeInitrd(k, image);
  return err;
}

/** A bad archive is reported as Linux reports it (anything else is a bug, thrown on). */
function badArchive(k: Kernel, e: unknown): string {
  if (!(e instanceof CpioError)) throw e;
  k.log.printk(KERN_EMERG, `Initramfs unpacking failed: ${e.message}`);
  return e.message;
}

/** free_initrd_mem: the image's pages go back to the allocator. */
function freeInitrd(k: Kernel, image: Uint8Array): void {
  k.log.printk(KERN_INFO, `Freeing initrd memory: ${(Math.ceil(image.length / PAGE) * PAGE) / 1024}K`);
}

const isGzip = (image: Uint8Array) => image.length >= 2 && image[0] === 0x1f && image[1] === 0x8b;

/** The cpio archive inside `image`: gunzip'd, or as it is. */
function decompress(k: Kernel, image: Uint8Array): Uint8Array {
  if (isGzip(image)) {
    try {
      return k.host.gunzip ? k.host.gunzip(image) : gunzipSync(image);
    } catch {
      throw new CpioError('decompressor failed');
    }
  }
  if (image.length >= 4 && image[0] === 0x30 && image[1] === 0x37 && image[2] === 0x30 && image[3] === 0x37) return image;
  throw new CpioError('invalid magic at start of compressed archive');
}

/** Create each entry of the archive, one per step. */
function* unpackSteps(k: Kernel, buf: Uint8Array): Generator<void> {
  const u = new Unpacker(k, buf);
  let off = 0;
  while (off < buf.length) {
    // Archives may be concatenated, with zero padding between them.
    if (buf[off] === 0) {
      off++;
      continue;
    }
    const e = parseNewc(buf, off);
    off = e.next;
    if (e.name === TRAILER) {
      u.links.clear();
      continue;
    }
    u.entry(e);
    yield;
  }
  u.finish();
}

class Unpacker {
  /** Hard links: the first inode of each (dev, ino) with nlink >= 2, until the trailer. */
  readonly links = new Map<string, Inode>();
  /** Directory times are set last, as the entries made in them changed them (dir_utime). */
  private dirTimes: [Inode, number][] = [];
  private ctx: WalkCtx;

  constructor(
    private k: Kernel,
    private buf: Uint8Array,
  ) {
    this.ctx = { root: k.vfs.root, cred: root, depth: 0 };
  }

  entry(e: ParsedEntry): void {
    const name = e.name.replace(/^(\.\/|\/)+/, '');
    const type = e.mode & S_IFMT;
    if (name === '' || name === '.') {
      this.stamp(this.k.vfs.root.dentry.inode, e);
      this.dirTimes.push([this.k.vfs.root.dentry.inode, e.mtime]);
      return;
    }
    const par = walkParent(this.ctx, this.k.vfs.root, name);
    if (typeof par === 'number') return; // a missing parent: skipped, as Linux's init_mkdir etc. fail
    const dir = par.dir.dentry;
    const old = dir.inode.lookup(dir, par.name) ? dir.children.get(par.name) : undefined;
    if (old && !(isDir(old.inode.mode) && type === S_IFDIR)) {
      // clean_path: something else of that name is replaced.
      if (isDir(old.inode.mode)) return;
      dir.inode.unlink(dir, par.name, old);
    }
    const key = `${e.devMajor}:${e.devMinor}:${e.ino}`;
    const data = this.buf.subarray(e.dataOffset, e.dataOffset + e.filesize);
    let inode: Inode | number;
    switch (type) {
      case S_IFDIR:
        inode = old ? old.inode : dir.inode.mkdir(dir, par.name, e.mode & 0o7777, root);
        if (typeof inode !== 'number') this.dirTimes.push([inode, e.mtime]);
        break;
      case S_IFREG: {
        const first = e.nlink >= 2 ? this.links.get(key) : undefined;
        if (first) {
          const r = dir.inode.link(dir, par.name, first);
          inode = r < 0 ? r : first;
        } else {
          inode = dir.inode.create(dir, par.name, e.mode & 0o7777, root);
          if (typeof inode !== 'number' && e.nlink >= 2) this.links.set(key, inode);
        }
        if (typeof inode !== 'number' && e.filesize > 0 && inode instanceof TmpfsFile) {
          inode.setSize(e.filesize);
          inode.loader = () => data;
        }
        break;
      }
      case S_IFLNK:
        inode = dir.inode.symlink(dir, par.name, data.slice(), root);
        break;
      case S_IFCHR:
      case S_IFBLK:
      case S_IFIFO:
      case S_IFSOCK:
        inode = dir.inode.mknod(dir, par.name, e.mode, makedev(e.rdevMajor, e.rdevMinor), root);
        break;
      default:
        return;
    }
    if (typeof inode !== 'number') this.stamp(inode, e);
  }

  private stamp(inode: Inode, e: ParsedEntry): void {
    inode.uid = e.uid;
    inode.gid = e.gid;
    inode.mode = (inode.mode & S_IFMT) | (e.mode & 0o7777);
    const t = { sec: e.mtime, nsec: 0 };
    inode.mtime = t;
    inode.atime = t;
  }

  finish(): void {
    for (const [inode, mtime] of this.dirTimes) {
      const t = { sec: mtime, nsec: 0 };
      inode.mtime = t;
      inode.atime = t;
    }
  }
}
