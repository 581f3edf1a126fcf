// Data integrity and space calls: sync, fsync, fdatasync, syncfs, sync_file_range,
// fadvise64 and fallocate, with Linux's checks in Linux's order. Files live
// in memory (tmpfs), so for them what matters is which files support the
// call; block devices write their page cache back and flush the disk.
import { MAX_LFS_FILESIZE } from '../fs/limits.js';
import type { File } from '../fs/file.js';
import type { Task } from '../sched/task.js';
import { EBADF, EFBIG, EINVAL, EISDIR, ENODEV, EOPNOTSUPP, EPERM, ESPIPE } from '../errno.js';
import { isDir, isReg, S_IFMT, S_IFIFO, S_IFBLK, S_IFLNK } from '../fs/inode.js';
import { TMPFS_MAGIC, TmpfsFile, F_SEAL_WRITE, F_SEAL_FUTURE_WRITE, F_SEAL_GROW } from '../fs/tmpfs.js';
import { FS_APPEND_FL, FS_IMMUTABLE_FL } from '../fs/xattr.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';
import type { Kernel } from '../kernel.js';
import { syncBlockDevices } from '../block/fops.js';

/** fdget: O_PATH descriptors are not usable for I/O calls. */
const fdget = (t: Task, fd: number): File | null => t.files.getUsable(fd);

/** Files with an fsync method: block devices (blkdev_fsync), tmpfs files and directories (noop_fsync); pipes, other devices, procfs have none. */
function doFsync(f: File): number {
  if (f.ops.fsync) return f.ops.fsync(f);
  const m = f.inode.mode;
  return f.inode.sb.magic === TMPFS_MAGIC && (isReg(m) || isDir(m)) ? 0 : -EINVAL;
}

export function sys_fsync(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = fdget(t, a.int(0));
  return f ? doFsync(f) : -EBADF;
}

/** No metadata is ever written back, so fdatasync is fsync. */
export function sys_fdatasync(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = fdget(t, a.int(0));
  return f ? doFsync(f) : -EBADF;
}

export function sys_syncfs(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = fdget(t, a.int(0));
  return f ? f.inode.sb.syncFs() : -EBADF;
}

const SYNC_FILE_RANGE_VALID = 1 | 2 | 4;
export function sys_sync_file_range(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = fdget(t, a.int(0));
  if (!f) return -EBADF;
  const off = a.big(1),
    n = a.big(2),
    flags = a.int(3) >>> 0;
  if (flags & ~SYNC_FILE_RANGE_VALID) return -EINVAL;
  const s64 = (x: bigint) => BigInt.asIntN(64, x);
  const end = s64(off + n);
  if (s64(off) < 0n || end < 0n || end < s64(off)) return -EINVAL;
  const type = f.inode.mode & S_IFMT;
  if (!isReg(type) && type !== S_IFBLK && !isDir(type) && type !== S_IFLNK) return -ESPIPE;
  return 0;
}

const POSIX_FADV_NOREUSE = 5;
export function sys_fadvise64(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = fdget(t, a.int(0));
  if (!f) return -EBADF;
  const len = a.long(2),
    advice = a.int(3);
  if ((f.inode.mode & S_IFMT) === S_IFIFO) return -ESPIPE;
  if (len < 0) return -EINVAL;
  return advice >= 0 && advice <= POSIX_FADV_NOREUSE ? 0 : -EINVAL;
}

/**
 * readahead(2) (mm/readahead.c): a regular file open for reading may ask for
 * its pages ahead of use; anything else is refused. The files here have their
 * pages in memory already (tmpfs, the initramfs), so nothing more is done.
 */
export function sys_readahead(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = fdget(t, a.int(0));
  if (!f || !f.readable) return -EBADF;
  if (!isReg(f.inode.mode)) return -EINVAL;
  return 0;
}

const FALLOC_FL_KEEP_SIZE = 1,
  FALLOC_FL_PUNCH_HOLE = 2,
  FALLOC_FL_COLLAPSE_RANGE = 8,
  FALLOC_FL_ZERO_RANGE = 0x10,
  FALLOC_FL_INSERT_RANGE = 0x20,
  FALLOC_FL_UNSHARE_RANGE = 0x40;
const FALLOC_SUPPORTED =
  FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_ZERO_RANGE | FALLOC_FL_INSERT_RANGE | FALLOC_FL_UNSHARE_RANGE;

/** vfs_fallocate's checks, then shmem_fallocate (keep-size and punch-hole only). */
export function sys_fallocate(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = fdget(t, a.int(0));
  if (!f) return -EBADF;
  const mode = a.int(1),
    off = a.long(2),
    len = a.long(3);
  if (off < 0 || len <= 0) return -EINVAL;
  if (mode & ~FALLOC_SUPPORTED) return -EOPNOTSUPP;
  if ((mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) === (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) return -EOPNOTSUPP;
  if (mode & FALLOC_FL_PUNCH_HOLE && !(mode & FALLOC_FL_KEEP_SIZE)) return -EOPNOTSUPP;
  if (mode & FALLOC_FL_COLLAPSE_RANGE && mode & ~FALLOC_FL_COLLAPSE_RANGE) return -EINVAL;
  if (mode & FALLOC_FL_INSERT_RANGE && mode & ~FALLOC_FL_INSERT_RANGE) return -EINVAL;
  if (mode & FALLOC_FL_UNSHARE_RANGE && mode & ~(FALLOC_FL_UNSHARE_RANGE | FALLOC_FL_KEEP_SIZE)) return -EINVAL;
  if (!f.writable) return -EBADF;
  const i = f.inode;
  if (mode & ~FALLOC_FL_KEEP_SIZE && i.iflags & FS_APPEND_FL) return -EPERM;
  if (i.iflags & FS_IMMUTABLE_FL) return -EPERM;
  const type = i.mode & S_IFMT;
  if (type === S_IFIFO) return -ESPIPE;
  if (isDir(type)) return -EISDIR;
  if (!isReg(type) && type !== S_IFBLK) return -ENODEV;
  // Summed exactly: near 2^63 a double cannot tell LLONG_MAX from LLONG_MAX + 1.
  if (BigInt(off) + BigInt(len) > MAX_LFS_FILESIZE) return -EFBIG;
  if (!(i instanceof TmpfsFile)) return -EOPNOTSUPP;
  if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE)) return -EOPNOTSUPP;
  if (mode & FALLOC_FL_PUNCH_HOLE) {
    if (i.seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) return -EPERM;
    const end = Math.min(off + len, i.size);
    // Through the page cache, so mappings and later reads see the hole.
    for (let p = off; p < end; p += 1 << 20) i.writeBytes(p, new Uint8Array(Math.min(1 << 20, end - p)));
    i.punched(off, off + len);
    i.touchM();
    return 0;
  }
  if (off + len > i.size && !(mode & FALLOC_FL_KEEP_SIZE)) {
    if (i.seals & F_SEAL_GROW) return -EPERM;
    return i.truncate(off + len);
  }
  return 0;
}

/** sync(2): file systems write back their metadata, then every disk is flushed. */
export function sys_sync(k: Kernel, _t: Task, _a: SyscallArgs): SyscallResult {
  // ksys_sync: each file system's metadata first, then the disks below them.
  for (const sb of new Set(k.vfs.mounts.map((m) => m.sb))) sb.syncFs();
  syncBlockDevices(k);
  return 0;
}
