// Mounting and unmounting (Linux's fs/namespace.c): new mounts of a
// registered type, remounts that change flags, bind mounts, propagation
// changes (accepted; there is one namespace and nothing propagates), and
// umount with its busy rules and lazy detach.
import type { Kernel } from '../kernel.js';
import type { Mount, Path } from './mount.js';
import { EAGAIN, EBUSY, EINVAL, ENODEV, ENOTDIR, EPERM, EROFS } from '../errno.js';
import { isDir } from './inode.js';
import { lookupBdev } from '../block/bdev.js';

export const MS_RDONLY = 1,
  MS_NOSUID = 2,
  MS_NODEV = 4,
  MS_NOEXEC = 8,
  MS_SYNCHRONOUS = 16,
  MS_REMOUNT = 32,
  MS_MANDLOCK = 64,
  MS_DIRSYNC = 128,
  MS_NOSYMFOLLOW = 256,
  MS_NOATIME = 1024,
  MS_NODIRATIME = 2048,
  MS_BIND = 4096,
  MS_MOVE = 8192,
  MS_REC = 16384,
  MS_SILENT = 32768,
  MS_UNBINDABLE = 1 << 17,
  MS_PRIVATE = 1 << 18,
  MS_SLAVE = 1 << 19,
  MS_SHARED = 1 << 20,
  MS_RELATIME = 1 << 21,
  MS_STRICTATIME = 1 << 24,
  MS_LAZYTIME = 1 << 25,
  MS_NOUSER = 1 << 31;
export const MNT_FORCE = 1,
  MNT_DETACH = 2,
  MNT_EXPIRE = 4,
  UMOUNT_NOFOLLOW = 8;

/** The per-mount flags (mnt_flags) a mount(2) flag word asks for, in /proc/mounts order. */
function mntFlags(flags: number): string[] {
  const out = [flags & MS_RDONLY ? 'ro' : 'rw'];
  if (flags & MS_NOSUID) out.push('nosuid');
  if (flags & MS_NODEV) out.push('nodev');
  if (flags & MS_NOEXEC) out.push('noexec');
  if (flags & MS_NOATIME) out.push('noatime');
  if (flags & MS_NODIRATIME) out.push('nodiratime');
  // relatime is the default unless noatime or strictatime is asked for.
  if (!(flags & (MS_NOATIME | MS_STRICTATIME))) out.push('relatime');
  if (flags & MS_NOSYMFOLLOW) out.push('nosymfollow');
  return out;
}

/** Is anything using this mount or a mount below it: open files, cwd/root, child mounts? */
function busy(k: Kernel, m: Mount, withChildren: boolean): boolean {
  if (withChildren && k.vfs.mounts.some((x) => x.parent === m)) return true;
  for (const t of k.pids.tasks()) {
    if (t.fs.cwd.mnt === m || t.fs.root.mnt === m) return true;
    for (const f of t.files.files) if (f && f.path.mnt === m) return true;
  }
  return false;
}

function openForWrite(k: Kernel, m: Mount): boolean {
  for (const t of k.pids.tasks()) for (const f of t.files.files) if (f && f.writable && f.inode.sb === m.sb) return true;
  return false;
}

const isMountRoot = (p: Path) => p.dentry === p.mnt.root;

export interface MountRequest {
  source: string;
  type: string | null;
  flags: number;
  data: string;
}

/** path_mount: dispatch on the flags, after the privilege check. */
export function pathMount(k: Kernel, admin: boolean, target: Path, req: MountRequest, resolveSource: () => Path | number): number {
  let flags = req.flags;
  if (((flags >>> 16) & 0xffff) === 0xc0ed) flags &= 0xffff; // MS_MGC_VAL: old magic, ignored
  if (flags & MS_NOUSER) return -EINVAL;
  if (!admin) return -EPERM;
  const mf = mntFlags(flags);
  if ((flags & (MS_REMOUNT | MS_BIND)) === (MS_REMOUNT | MS_BIND)) {
    if (!isMountRoot(target)) return -EINVAL;
    target.mnt.flags = [...mf, ...sbOptions(target.mnt)];
    return 0;
  }
  if (flags & MS_REMOUNT) {
    if (!isMountRoot(target)) return -EINVAL;
    // sb_prepare_remount_readonly: no file of the file system may be open for writing.
    if (flags & MS_RDONLY && !target.mnt.flags.includes('ro') && openForWrite(k, target.mnt)) return -EBUSY;
    if (!(flags & MS_RDONLY) && target.mnt.sb.forceReadOnly) return -EROFS;
    const r = target.mnt.sb.remountFs((flags & MS_RDONLY) !== 0);
    if (r < 0) return r;
    target.mnt.flags = [...mf, ...sbOptions(target.mnt)];
    return 0;
  }
  if (flags & MS_BIND) {
    const src = resolveSource();
    if (typeof src === 'number') return src;
    if (isDir(src.dentry.inode.mode) !== isDir(target.dentry.inode.mode)) return -ENOTDIR;
    k.vfs.attach(target, src.mnt.sb, src.dentry, src.mnt.source, [...src.mnt.flags]);
    return 0;
  }
  if (flags & (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)) {
    // One mount namespace, no peers: changing the propagation type changes nothing visible.
    return isMountRoot(target) ? 0 : -EINVAL;
  }
  if (flags & MS_MOVE) return -EINVAL;
  if (!req.type) return -EINVAL;
  const make = k.vfs.fsTypes.get(req.type);
  if (!make) return -ENODEV;
  const fs = make(req.data, {
    flags,
    source: req.source,
    bdev: () => {
      const src = resolveSource();
      if (typeof src === 'number') return src;
      const b = lookupBdev(k.vfs.fs, src.dentry.inode.mode, src.dentry.inode.rdev);
      // An active swap area holds its device exclusively.
      return typeof b !== 'number' && k.swap.find(b) ? -EBUSY : b;
    },
  });
  if (typeof fs === 'number') return fs;
  if (!isDir(target.dentry.inode.mode)) return -ENOTDIR;
  if (fs.readOnly) mf[0] = 'ro';
  k.vfs.attach(target, fs.sb, fs.root, req.source, [...mf, ...(fs.options ?? [])]);
  return 0;
}

/** The file system's own options, kept across a remount. */
function sbOptions(m: Mount): string[] {
  const mnt = new Set(['ro', 'rw', 'nosuid', 'nodev', 'noexec', 'noatime', 'nodiratime', 'relatime', 'nosymfollow']);
  return m.flags.filter((f) => !mnt.has(f));
}

/** path_umount: can_umount, then do_umount's busy rules or a lazy detach. */
export function pathUmount(k: Kernel, admin: boolean, target: Path, flags: number, callerRoot: Path): number {
  if (!admin) return -EPERM;
  const m = target.mnt;
  if (!isMountRoot(target)) return -EINVAL;
  if (!m.parent || !k.vfs.mounts.includes(m)) return -EINVAL;
  if (flags & MNT_EXPIRE && flags & (MNT_FORCE | MNT_DETACH)) return -EINVAL;
  // MNT_EXPIRE: the first call only marks an unused mount; a second one, still unused, unmounts it.
  if (flags & MNT_EXPIRE) {
    if (busy(k, m, true)) return -EBUSY;
    if (!m.expiryMark) {
      m.expiryMark = true;
      return -EAGAIN;
    }
  }
  // Unmounting the caller's root only happens lazily.
  if (m === callerRoot.mnt && !(flags & MNT_DETACH)) return -EBUSY;
  if (!(flags & MNT_DETACH) && busy(k, m, true)) return -EBUSY;
  k.vfs.detach(m);
  return 0;
}
