// Names and attributes: the stat family, directories, links, permissions, times.
import { breakLease } from './locks.js';
import { O_WRONLY } from '../fs/file.js';
import { capable, issecure, CAP_CHOWN, CAP_FOWNER, CAP_FSETID, CAP_MKNOD, CAP_SYS_CHROOT, SECURE_NO_SETUID_FIXUP } from '../security/commoncap.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { EBADF, EEXIST, EFAULT, EINVAL, EISDIR, ENOENT, ENOTDIR, EPERM, EBUSY, ENOTEMPTY, EXDEV, EROFS, ERANGE, EACCES, EOPNOTSUPP } from '../errno.js';
import { newsizeOk } from '../fs/limits.js';
import { AT_FDCWD, AT_EMPTY_PATH, AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW, AT_SYMLINK_FOLLOW, AT_EACCESS, AT_NO_AUTOMOUNT } from '../fs/vfs.js';
import { TMPFS_MAGIC } from '../fs/tmpfs.js';
import { exists, lookupChild, prependPath } from '../fs/namei.js';
import {
  S_IFMT,
  S_IFLNK,
  S_IFDIR,
  S_IFREG,
  S_IFCHR,
  S_IFBLK,
  S_IFIFO,
  S_IFSOCK,
  S_ISUID,
  S_ISGID,
  S_ISVTX,
  isDir,
  isReg,
  type Inode,
  type FsCred,
} from '../fs/inode.js';
import type { Path } from '../fs/mount.js';
import { fsnotifyChange, fsnotifyCreate, fsnotifyDelete, fsnotifyMove, fsnotifyAccess, IN_ACCESS, IN_ATTRIB, IN_MODIFY } from '../fs/fsnotify.js';
import { userPath, StructWriter } from './uaccess.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';

export function statBuf(i: Inode): Uint8Array {
  const w = new StructWriter(128);
  w.u64(0, i.sb.dev)
    .u64(8, i.ino)
    .u32(16, i.mode)
    .u32(20, i.nlink)
    .u32(24, i.uid)
    .u32(28, i.gid)
    .u64(32, i.rdev)
    .i64(48, i.size)
    .i32(56, i.blksize)
    .i64(64, i.blocks)
    .i64(72, i.atime.sec)
    .u64(80, i.atime.nsec)
    .i64(88, i.mtime.sec)
    .u64(96, i.mtime.nsec)
    .i64(104, i.ctime.sec)
    .u64(112, i.ctime.nsec);
  return w.buf;
}

function cred(t: Task): FsCred {
  return { fsuid: t.cred.fsuid, fsgid: t.cred.fsgid, groups: t.cred.groups, capEff: t.cred.capEff };
}

function lookupAt(k: Kernel, t: Task, dirfd: number, addr: number, flags: number): Path | number {
  // A name that cannot be read (EFAULT) or is too long (ENAMETOOLONG) fails even with AT_EMPTY_PATH.
  const p = userPath(t, addr);
  if (typeof p === 'number') return p;
  return k.vfs.resolve(t, dirfd, p, !(flags & AT_SYMLINK_NOFOLLOW), (flags & AT_EMPTY_PATH) !== 0);
}

export function sys_newfstatat(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const flags = a.int(3);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800)) return -EINVAL;
  const p = lookupAt(k, t, a.int(0), a.ulong(1), flags);
  if (typeof p === 'number') return p;
  return t.mm.write(a.ulong(2), statBuf(p.dentry.inode)) ? 0 : -EFAULT;
}

export function sys_fstat(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = t.files.get(a.int(0));
  if (!f) return -EBADF;
  return t.mm.write(a.ulong(1), statBuf(f.inode)) ? 0 : -EFAULT;
}

const STATX_BASIC_STATS = 0x7ff,
  STATX_BTIME = 0x800,
  STATX_MNT_ID = 0x1000,
  STATX__RESERVED = 0x80000000;
const AT_STATX_SYNC_TYPE = 0x6000;
const STATX_ATTR_IMMUTABLE = 0x10,
  STATX_ATTR_APPEND = 0x20,
  STATX_ATTR_NODUMP = 0x40,
  STATX_ATTR_AUTOMOUNT = 0x1000,
  STATX_ATTR_MOUNT_ROOT = 0x2000,
  STATX_ATTR_DAX = 0x200000;
export function sys_statx(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const flags = a.int(2),
    mask = a.int(3) >>> 0;
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)) return -EINVAL;
  if ((flags & AT_STATX_SYNC_TYPE) === AT_STATX_SYNC_TYPE) return -EINVAL;
  if (mask & STATX__RESERVED) return -EINVAL;
  const p = lookupAt(k, t, a.int(0), a.ulong(1), flags);
  if (typeof p === 'number') return p;
  const i = p.dentry.inode;
  const w = new StructWriter(256);
  const ts = (off: number, x: { sec: number; nsec: number }) => {
    w.i64(off, x.sec);
    w.u32(off + 8, x.nsec);
  };
  // tmpfs keeps a birth time and the chattr flags (shmem_getattr); the VFS adds the mount-root bit.
  const tmpfs = i.sb.magic === TMPFS_MAGIC;
  const btime = (tmpfs || i.hasBtime) && (mask & STATX_BTIME) !== 0;
  let attrs = p.dentry === p.mnt.root ? STATX_ATTR_MOUNT_ROOT : 0;
  let attrMask = STATX_ATTR_AUTOMOUNT | STATX_ATTR_MOUNT_ROOT | STATX_ATTR_DAX;
  if (tmpfs) {
    attrMask |= STATX_ATTR_IMMUTABLE | STATX_ATTR_APPEND | STATX_ATTR_NODUMP;
    attrs |= i.iflags & (STATX_ATTR_IMMUTABLE | STATX_ATTR_APPEND | STATX_ATTR_NODUMP);
  }
  w.u32(0, STATX_BASIC_STATS | STATX_MNT_ID | (btime ? STATX_BTIME : 0))
    .u32(4, i.blksize)
    .u64(8, attrs)
    .u32(16, i.nlink)
    .u32(20, i.uid)
    .u32(24, i.gid)
    .dv.setUint16(28, i.mode, true);
  w.u64(32, i.ino).u64(40, i.size).u64(48, i.blocks).u64(56, attrMask);
  ts(64, i.atime);
  if (btime) ts(80, i.btime);
  ts(96, i.ctime);
  ts(112, i.mtime);
  w.u32(128, (i.rdev >>> 8) & 0xfff).u32(132, (i.rdev & 0xff) | ((i.rdev >>> 12) & ~0xff));
  w.u32(136, 0).u32(140, i.sb.dev);
  w.u64(144, p.mnt.id);
  return t.mm.write(a.ulong(4), w.buf) ? 0 : -EFAULT;
}

function statfsBuf(k: Kernel, i: Inode): Uint8Array {
  const s = i.sb.statfs(k.pages.total);
  const w = new StructWriter(120);
  w.i64(0, s.type)
    .i64(8, s.bsize)
    .u64(16, s.blocks)
    .u64(24, s.bfree)
    .u64(32, s.bavail)
    .u64(40, s.files)
    .u64(48, s.ffree)
    .i32(56, i.sb.dev)
    .i64(64, s.namelen)
    .i64(72, s.frsize)
    .i64(80, s.flags);
  return w.buf;
}

export function sys_statfs(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const p = lookupAt(k, t, -100, a.ulong(0), 0);
  if (typeof p === 'number') return p;
  return t.mm.write(a.ulong(1), statfsBuf(k, p.dentry.inode)) ? 0 : -EFAULT;
}
export function sys_fstatfs(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = t.files.get(a.int(0));
  if (!f) return -EBADF;
  return t.mm.write(a.ulong(1), statfsBuf(k, f.inode)) ? 0 : -EFAULT;
}

export function sys_readlinkat(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const bufsiz = a.int(3);
  if (bufsiz <= 0) return -EINVAL;
  // An empty name reads the link a descriptor (O_PATH|O_NOFOLLOW) holds; there is none at AT_FDCWD.
  const name = userPath(t, a.ulong(1));
  if (typeof name !== 'number' && name.length === 0 && a.int(0) === AT_FDCWD) return -ENOENT;
  const p = lookupAt(k, t, a.int(0), a.ulong(1), AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH);
  if (typeof p === 'number') return p;
  const i = p.dentry.inode;
  const target = i.readlink();
  if (typeof target === 'number') return target;
  const n = Math.min(target.length, bufsiz);
  return t.mm.write(a.ulong(2), target.subarray(0, n)) ? n : -EFAULT;
}

function access(k: Kernel, t: Task, a: SyscallArgs, flags: number): number {
  const mode = a.int(2);
  if (mode & ~7) return -EINVAL;
  if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  // access() checks with the real ids unless AT_EACCESS (access_override_creds): and,
  // unless SECURE_NO_SETUID_FIXUP, with no capabilities for a real uid other than 0
  // and all the permitted ones for 0.
  const saved = { fsuid: t.cred.fsuid, fsgid: t.cred.fsgid, capEff: t.cred.capEff };
  if (!(flags & AT_EACCESS)) {
    t.cred.fsuid = t.cred.uid;
    t.cred.fsgid = t.cred.gid;
    if (!issecure(t.cred, SECURE_NO_SETUID_FIXUP)) t.cred.capEff = t.cred.uid === 0 ? t.cred.capPrm : 0n;
  }
  try {
    const p = lookupAt(k, t, a.int(0), a.ulong(1), flags);
    if (typeof p === 'number') return p;
    if (mode === 0) return 0;
    if (mode & 2 && p.mnt.flags.includes('ro')) return -EROFS;
    return p.dentry.inode.permission(mode, cred(t));
  } finally {
    t.cred.fsuid = saved.fsuid;
    t.cred.fsgid = saved.fsgid;
    t.cred.capEff = saved.capEff;
  }
}
export function sys_faccessat(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return access(k, t, a, 0);
}
export function sys_faccessat2(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return access(k, t, a, a.int(3));
}

// getdents64: d_ino u64, d_off i64, d_reclen u16, d_type u8, name NUL, 8-aligned.
export function sys_getdents64(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = t.files.get(a.int(0));
  if (!f) return -EBADF;
  const inode = f.inode;
  if (!isDir(inode.mode)) return -ENOTDIR;
  const count = a.ulong(2);
  const entries = inode.readdir(f.path.dentry);
  if (typeof entries === 'number') return entries;
  const parent = f.path.dentry === f.path.mnt.root && f.path.mnt.mountpoint ? f.path.mnt.mountpoint.parent : f.path.dentry.parent;
  const all = [{ name: '.', ino: inode.ino, type: 4 }, { name: '..', ino: parent.inode.ino, type: 4 }, ...entries];
  const out = new Uint8Array(Math.min(count, 65536));
  const dv = new DataView(out.buffer);
  let off = 0;
  let idx = f.pos;
  const enc = new TextEncoder();
  while (idx < all.length) {
    const e = all[idx];
    const name = e.name.length && /^[^\u0080-\uffff]*$/.test(e.name) ? enc.encode(e.name) : Uint8Array.from(e.name, (c) => c.charCodeAt(0) & 0xff);
    const reclen = Math.ceil((19 + name.length + 1) / 8) * 8;
    if (off + reclen > out.length) {
      if (off === 0) return -EINVAL;
      break;
    }
    dv.setBigUint64(off, BigInt(e.ino), true);
    dv.setBigInt64(off + 8, BigInt(idx + 1), true);
    dv.setUint16(off + 16, reclen, true);
    out[off + 18] = e.type;
    out.set(name, off + 19);
    off += reclen;
    idx++;
  }
  if (off && !t.mm.write(a.ulong(1), out.subarray(0, off))) return -EFAULT;
  fsnotifyAccess(f);
  f.pos = idx;
  inode.atime = inode.sb.fs.now();
  return off;
}

/** Write + search permission on a directory, and the sticky-bit rule for removal. */
function mayModifyDir(t: Task, dir: Path): number {
  if (dir.mnt.flags.includes('ro')) return -EROFS;
  if (dir.dentry.inode.nlink === 0) return -ENOENT; // removed directory: nothing new goes in
  return dir.dentry.inode.permission(3, cred(t));
}
function stickyOk(t: Task, dir: Inode, victim: Inode): boolean {
  if (!(dir.mode & S_ISVTX) || capable(t.cred, CAP_FOWNER)) return true;
  return victim.uid === t.cred.fsuid || dir.uid === t.cred.fsuid;
}

export function sys_mkdirat(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const path = userPath(t, a.ulong(1));
  if (typeof path === 'number') return path;
  const par = k.vfs.resolveParent(t, a.int(0), path);
  if (typeof par === 'number') return par;
  if (par.name === '.' || par.name === '..' || par.name === '/') return -EEXIST;
  const taken = exists(par.dir.dentry, par.name);
  if (taken) return taken;
  const perm = mayModifyDir(t, par.dir);
  if (perm < 0) return perm;
  const r = par.dir.dentry.inode.mkdir(par.dir.dentry, par.name, a.int(2) & 0o1777 & ~t.fs.umask, cred(t));
  if (typeof r === 'number') return r;
  fsnotifyCreate(par.dir.dentry, par.name, r);
  return 0;
}

export function sys_mknodat(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const path = userPath(t, a.ulong(1));
  if (typeof path === 'number') return path;
  let mode = a.int(2);
  const type = mode & S_IFMT;
  // may_mknod: the types mknod makes; a directory is EPERM, anything else (S_IFLNK, S_IFMT...) EINVAL.
  if (type === S_IFDIR) return -EPERM;
  if (type !== 0 && type !== S_IFREG && type !== S_IFCHR && type !== S_IFBLK && type !== S_IFIFO && type !== S_IFSOCK) return -EINVAL;
  if (type === 0) mode |= S_IFREG;
  if ((type === S_IFCHR || type === S_IFBLK) && !capable(t.cred, CAP_MKNOD)) return -EPERM;
  const par = k.vfs.resolveParent(t, a.int(0), path);
  if (typeof par === 'number') return par;
  const taken = exists(par.dir.dentry, par.name);
  if (taken) return taken;
  const perm = mayModifyDir(t, par.dir);
  if (perm < 0) return perm;
  const dir = par.dir.dentry;
  const m = (mode & S_IFMT) | (mode & 0o7777 & ~t.fs.umask);
  const r = (mode & S_IFMT) === S_IFREG ? dir.inode.create(dir, par.name, m, cred(t)) : dir.inode.mknod(dir, par.name, m, a.ulong(3) >>> 0, cred(t));
  if (typeof r === 'number') return r;
  fsnotifyCreate(dir, par.name, r);
  return 0;
}

export function sys_unlinkat(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const path = userPath(t, a.ulong(1));
  if (typeof path === 'number') return path;
  const flags = a.int(2);
  if (flags & ~AT_REMOVEDIR) return -EINVAL;
  const par = k.vfs.resolveParent(t, a.int(0), path);
  if (typeof par === 'number') return par;
  if (flags & AT_REMOVEDIR) {
    if (par.name === '.') return -EINVAL;
    if (par.name === '..') return -ENOTEMPTY;
    if (par.name === '/') return -EBUSY;
  } else if (par.name === '/' || par.name === '.' || par.name === '..') return -EISDIR;
  const dir = par.dir.dentry;
  const victim = lookupChild(dir, par.name);
  if (typeof victim === 'number') return victim;
  if (!victim) return -ENOENT;
  const perm = mayModifyDir(t, par.dir);
  if (perm < 0) return perm;
  if (!stickyOk(t, dir.inode, victim.inode)) return -EPERM;
  if (victim.mounted) return -EBUSY;
  if (flags & AT_REMOVEDIR) {
    if (!isDir(victim.inode.mode)) return -ENOTDIR;
    const r = dir.inode.rmdir(dir, par.name, victim);
    if (r === 0) fsnotifyDelete(dir, par.name, victim.inode);
    return r;
  }
  if (isDir(victim.inode.mode)) return -EISDIR;
  if (par.trailingSlash) return -ENOTDIR;
  const r = dir.inode.unlink(dir, par.name, victim);
  if (r === 0) fsnotifyDelete(dir, par.name, victim.inode);
  return r;
}

function isAncestor(a: Path, b: Path): boolean {
  for (let d = b.dentry; ; d = d.parent) {
    if (d === a.dentry) return true;
    if (d.isRoot) return false;
  }
}

/**
 * do_renameat2 and vfs_rename, in Linux's order: the flags, the mount, the
 * names, the source, RENAME_NOREPLACE (EEXIST even for the file itself) and
 * RENAME_EXCHANGE (ENOENT without a target), trailing slashes, the two
 * ancestor traps (the source above the new place: EINVAL; the target above
 * the source: ENOTEMPTY), then two names of one inode (0, nothing done),
 * then may_delete's checks on each side.
 */
function rename(k: Kernel, t: Task, olddirfd: number, oldAddr: number, newdirfd: number, newAddr: number, flags: number): number {
  const RENAME_NOREPLACE = 1,
    RENAME_EXCHANGE = 2,
    RENAME_WHITEOUT = 4;
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL;
  if (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT) && flags & RENAME_EXCHANGE) return -EINVAL;
  const exchange = (flags & RENAME_EXCHANGE) !== 0;
  const op = userPath(t, oldAddr);
  if (typeof op === 'number') return op;
  const np = userPath(t, newAddr);
  if (typeof np === 'number') return np;
  const a = k.vfs.resolveParent(t, olddirfd, op);
  if (typeof a === 'number') return a;
  const b = k.vfs.resolveParent(t, newdirfd, np);
  if (typeof b === 'number') return b;
  if (a.dir.mnt !== b.dir.mnt) return -EXDEV;
  const special = (n: string) => n === '.' || n === '..' || n === '/';
  if (special(a.name)) return -EBUSY;
  if (special(b.name)) return flags & RENAME_NOREPLACE ? -EEXIST : -EBUSY;
  const old = lookupChild(a.dir.dentry, a.name);
  if (typeof old === 'number') return old;
  if (!old) return -ENOENT;
  const target = lookupChild(b.dir.dentry, b.name);
  if (typeof target === 'number') return target;
  if (flags & RENAME_NOREPLACE && target) return -EEXIST;
  if (exchange) {
    if (!target) return -ENOENT;
    if (!isDir(target.inode.mode) && b.trailingSlash) return -ENOTDIR;
  }
  if (!isDir(old.inode.mode) && (a.trailingSlash || (!exchange && b.trailingSlash))) return -ENOTDIR;
  // lock_rename's trap: the source may not be an ancestor of the new place, nor the target one of the old.
  if (isAncestor({ mnt: a.dir.mnt, dentry: old }, b.dir)) return -EINVAL;
  if (target && isAncestor({ mnt: b.dir.mnt, dentry: target }, a.dir)) return exchange ? -EINVAL : -ENOTEMPTY;
  // vfs_rename: two names of the same inode (hard links, or the name itself): done, nothing changes.
  if (target && target.inode === old.inode) return 0;
  let perm = mayModifyDir(t, a.dir);
  if (perm < 0) return perm;
  if (!stickyOk(t, a.dir.dentry.inode, old.inode)) return -EPERM;
  perm = mayModifyDir(t, b.dir);
  if (perm < 0) return perm;
  if (target) {
    if (!stickyOk(t, b.dir.dentry.inode, target.inode)) return -EPERM;
    if (!exchange) {
      if (isDir(target.inode.mode) && !isDir(old.inode.mode)) return -EISDIR;
      if (!isDir(target.inode.mode) && isDir(old.inode.mode)) return -ENOTDIR;
    }
    if (target.mounted) return -EBUSY;
  }
  if (old.mounted) return -EBUSY;
  const oldName = old.name,
    moved = old.inode;
  if (exchange) {
    const r = a.dir.dentry.inode.exchange(a.dir.dentry, old, b.dir.dentry, target!);
    if (r === 0) {
      fsnotifyMove(a.dir.dentry, oldName, b.dir.dentry, b.name, moved, null);
      fsnotifyMove(b.dir.dentry, b.name, a.dir.dentry, oldName, target!.inode, null);
    }
    return r;
  }
  const r = a.dir.dentry.inode.rename(a.dir.dentry, old, b.dir.dentry, b.name);
  if (r === 0) fsnotifyMove(a.dir.dentry, oldName, b.dir.dentry, b.name, moved, target?.inode ?? null);
  return r;
}
export function sys_renameat(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return rename(k, t, a.int(0), a.ulong(1), a.int(2), a.ulong(3), 0);
}
export function sys_renameat2(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return rename(k, t, a.int(0), a.ulong(1), a.int(2), a.ulong(3), a.int(4));
}

export function sys_linkat(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const flags = a.int(4);
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const src = lookupAt(k, t, a.int(0), a.ulong(1), (flags & AT_SYMLINK_FOLLOW ? 0 : AT_SYMLINK_NOFOLLOW) | (flags & AT_EMPTY_PATH));
  if (typeof src === 'number') return src;
  // do_linkat: the new name is resolved (filename_create) before vfs_link refuses a directory.
  const np = userPath(t, a.ulong(3));
  if (typeof np === 'number') return np;
  const par = k.vfs.resolveParent(t, a.int(2), np);
  if (typeof par === 'number') return par;
  if (par.name === '.' || par.name === '..' || par.name === '/') return -EEXIST;
  const taken = exists(par.dir.dentry, par.name);
  if (taken) return taken;
  if (par.trailingSlash) return -ENOENT;
  if (par.dir.mnt !== src.mnt) return -EXDEV;
  const perm = mayModifyDir(t, par.dir);
  if (perm < 0) return perm;
  const inode = src.dentry.inode;
  if (isDir(inode.mode)) return -EPERM;
  // vfs_link: a file with no names left stays so, unless it is an O_TMPFILE one (I_LINKABLE).
  if (inode.nlink === 0 && !inode.linkable) return -ENOENT;
  const r = par.dir.dentry.inode.link(par.dir.dentry, par.name, inode);
  if (r !== 0) return r;
  inode.linkable = false;
  fsnotifyCreate(par.dir.dentry, par.name, inode, true);
  return r;
}

export function sys_symlinkat(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const target = userPath(t, a.ulong(0));
  if (typeof target === 'number') return target;
  if (target.length === 0) return -ENOENT;
  const np = userPath(t, a.ulong(2));
  if (typeof np === 'number') return np;
  const par = k.vfs.resolveParent(t, a.int(1), np);
  if (typeof par === 'number') return par;
  const taken = exists(par.dir.dentry, par.name);
  if (taken) return taken;
  if (par.trailingSlash) return -ENOENT;
  const perm = mayModifyDir(t, par.dir);
  if (perm < 0) return perm;
  const r = par.dir.dentry.inode.symlink(par.dir.dentry, par.name, target, cred(t));
  if (typeof r === 'number') return r;
  fsnotifyCreate(par.dir.dentry, par.name, r);
  return 0;
}

function setCwd(t: Task, p: Path): number {
  if (!isDir(p.dentry.inode.mode)) return -ENOTDIR;
  const perm = p.dentry.inode.permission(1, cred(t));
  if (perm < 0) return perm;
  t.fs.cwd = p;
  return 0;
}
export function sys_chdir(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const p = lookupAt(k, t, -100, a.ulong(0), 0);
  return typeof p === 'number' ? p : setCwd(t, p);
}
export function sys_fchdir(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = t.files.get(a.int(0));
  return f ? setCwd(t, f.path) : -EBADF;
}
export function sys_chroot(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const p = lookupAt(k, t, -100, a.ulong(0), 0);
  if (typeof p === 'number') return p;
  if (!isDir(p.dentry.inode.mode)) return -ENOTDIR;
  // Search permission on the new root first (EACCES), then the capability (EPERM), as Linux's chroot.
  const perm = p.dentry.inode.permission(1, t.cred);
  if (perm < 0) return perm;
  if (!capable(t.cred, CAP_SYS_CHROOT)) return -EPERM;
  t.fs.root = p;
  return 0;
}

export function sys_getcwd(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const size = a.ulong(1);
  const r = prependPath(t.fs.cwd, t.fs.root);
  if (r.deleted) return -ENOENT;
  // A cwd outside the caller's root reads "(unreachable)/...": not an absolute path, so libc's callers see ENOENT.
  const s = r.reachable ? r.path : '(unreachable)' + r.path;
  const b = new TextEncoder().encode(s + '\0');
  if (b.length > size) return -ERANGE;
  return t.mm.write(a.ulong(0), b) ? b.length : -EFAULT;
}

function chmod(t: Task, i: Inode, p: Path, mode: number): number {
  if (p.mnt.flags.includes('ro')) return -EROFS;
  // notify_change: a symlink's mode is never checked, so it may not be changed (attr: block mode changes of symlinks).
  if ((i.mode & S_IFMT) === S_IFLNK) return -EOPNOTSUPP;
  if (!capable(t.cred, CAP_FOWNER) && t.cred.fsuid !== i.uid) return -EPERM;
  mode &= 0o7777;
  // A non-member may not set the group's setgid bit.
  if (!capable(t.cred, CAP_FSETID) && mode & S_ISGID && i.gid !== t.cred.fsgid && !t.cred.groups.includes(i.gid)) mode &= ~S_ISGID;
  i.mode = (i.mode & S_IFMT) | mode;
  i.touchC();
  fsnotifyChange(p.dentry, IN_ATTRIB);
  return 0;
}
export function sys_fchmodat(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const p = lookupAt(k, t, a.int(0), a.ulong(1), 0);
  return typeof p === 'number' ? p : chmod(t, p.dentry.inode, p, a.int(2));
}
/** fchmodat2: fchmodat with flags (do_fchmodat); a symlink itself is reached with AT_SYMLINK_NOFOLLOW, and refused. */
export function sys_fchmodat2(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const flags = a.int(3);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const p = lookupAt(k, t, a.int(0), a.ulong(1), flags);
  return typeof p === 'number' ? p : chmod(t, p.dentry.inode, p, a.int(2));
}
export function sys_fchmod(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = t.files.getUsable(a.int(0));
  return f ? chmod(t, f.inode, f.path, a.int(1)) : -EBADF;
}

function chown(t: Task, i: Inode, uid: number, gid: number, ro = false): number {
  if (ro) return -EROFS;
  // setattr_prepare: each id named (even unchanged) must pass chown_ok or
  // chgrp_ok. Without CAP_CHOWN only the owner may name its own uid, and a
  // group that is the file's or one it belongs to (in_group_p).
  const root = capable(t.cred, CAP_CHOWN);
  const owner = t.cred.fsuid === i.uid;
  if (uid !== -1 && !root && !(owner && uid >>> 0 === i.uid)) return -EPERM;
  if (gid !== -1 && !root && !(owner && (gid >>> 0 === i.gid || gid >>> 0 === t.cred.fsgid || t.cred.groups.includes(gid >>> 0)))) return -EPERM;
  if (uid !== -1) i.uid = uid >>> 0;
  if (gid !== -1) i.gid = gid >>> 0;
  // Changing owners drops setuid/setgid on non-directories.
  if ((uid !== -1 || gid !== -1) && !isDir(i.mode)) {
    if (i.mode & 0o111 || !(i.mode & 0o010)) i.mode &= ~(S_ISUID | (i.mode & 0o010 ? S_ISGID : 0));
  }
  i.touchC();
  return 0;
}
export function sys_fchownat(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const flags = a.int(4);
  // do_fchownat rejects unknown flags before it looks the name up.
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const p = lookupAt(k, t, a.int(0), a.ulong(1), flags);
  return typeof p === 'number' ? p : notified(chown(t, p.dentry.inode, a.int(2), a.int(3), p.mnt.flags.includes('ro')), p, IN_ATTRIB);
}
export function sys_fchown(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = t.files.getUsable(a.int(0));
  return f ? notified(chown(t, f.inode, a.int(1), a.int(2), f.path.mnt.flags.includes('ro')), f.path, IN_ATTRIB) : -EBADF;
}

const UTIME_NOW = (1 << 30) - 1,
  UTIME_OMIT = (1 << 30) - 2;
export function sys_utimensat(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const dirfd = a.int(0),
    pathAddr = a.ulong(1),
    tsAddr = a.ulong(2),
    flags = a.int(3);
  let p: Path | number;
  // do_utimes: a null name with a descriptor is that file; with AT_FDCWD it is a name to fetch (EFAULT).
  if (pathAddr === 0 && dirfd !== AT_FDCWD) {
    const f = t.files.get(dirfd);
    p = f ? f.path : -EBADF;
  } else p = lookupAt(k, t, dirfd, pathAddr, flags);
  if (typeof p === 'number') return p;
  // vfs_utimes takes write access to the mount before it looks at permissions.
  if (p.mnt.flags.includes('ro')) return -EROFS;
  const i = p.dentry.inode;
  const cur = i.sb.fs.now();
  let times: ({ sec: number; nsec: number } | null)[] = [cur, cur];
  const owner = capable(t.cred, CAP_FOWNER) || t.cred.fsuid === i.uid;
  if (tsAddr) {
    const b = t.mm.read(tsAddr, 32);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    times = [0, 16].map((o) => {
      const nsec = Number(dv.getBigInt64(o + 8, true));
      if (nsec === UTIME_OMIT) return null;
      if (nsec === UTIME_NOW) return cur;
      if (nsec < 0 || nsec > 999999999) return undefined as unknown as null;
      return { sec: Number(dv.getBigInt64(o, true)), nsec };
    });
    if (times.some((x) => x === undefined)) return -EINVAL;
    const explicit = [0, 16].some((o) => {
      const n = Number(dv.getBigInt64(o + 8, true));
      return n !== UTIME_NOW && n !== UTIME_OMIT;
    });
    if (explicit && !owner) return -EPERM;
    if (!explicit && !owner && i.permission(2, cred(t)) < 0) return -EACCES;
  } else if (!owner && i.permission(2, cred(t)) < 0) return -EACCES;
  if (times[0]) i.atime = times[0];
  if (times[1]) i.mtime = times[1];
  i.ctime = cur;
  // Both times set is a utime(s) call: IN_ATTRIB; one alone reads as an access or a modification.
  fsnotifyChange(p.dentry, times[0] && times[1] ? IN_ATTRIB : times[0] ? IN_ACCESS : IN_MODIFY);
  return 0;
}

export function sys_truncate(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const p = lookupAt(k, t, -100, a.ulong(0), 0);
  if (typeof p === 'number') return p;
  const i = p.dentry.inode;
  if (isDir(i.mode)) return -EISDIR;
  if (!isReg(i.mode)) return -EINVAL;
  const perm = i.permission(2, cred(t));
  if (perm < 0) return perm;
  const len = a.long(1);
  if (len < 0) return -EINVAL;
  // vfs_truncate breaks leases as an open for writing would.
  const broken = breakLease(k, i, O_WRONLY);
  if (broken < 0) return broken;
  const ok = len > i.size ? newsizeOk(k, t, len) : 0;
  return ok < 0 ? ok : notified(i.truncate(len), p, IN_MODIFY);
}
export function sys_ftruncate(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = t.files.getUsable(a.int(0));
  if (!f) return -EBADF;
  if (!isReg(f.inode.mode) || !f.writable) return -EINVAL;
  const len = a.long(1);
  if (len < 0) return -EINVAL;
  const ok = len > f.inode.size ? newsizeOk(k, t, len) : 0;
  return ok < 0 ? ok : notified(f.inode.truncate(len), f.path, IN_MODIFY);
}

/** notify_change's fsnotify_change after a successful change. */
function notified(r: number, p: Path, mask: number): number {
  if (r === 0) fsnotifyChange(p.dentry, mask);
  return r;
}
