// The extended attribute calls: {,l,f}{set,get,list,remove}xattr. Argument
// checks come in Linux's order (fs/xattr.c, 6.12): setxattr and removexattr
// copy the name and value before the lookup, getxattr after it; the f* calls
// find the descriptor first.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { Inode } from '../fs/inode.js';
import type { Path } from '../fs/mount.js';
import { E2BIG, EBADF, EFAULT, EINVAL, ERANGE, EROFS } from '../errno.js';
import { userPath } from './uaccess.js';
import {
  vfsGetxattr,
  vfsListxattr,
  vfsRemovexattr,
  vfsSetxattr,
  XATTR_CREATE,
  XATTR_REPLACE,
  XATTR_NAME_MAX,
  XATTR_SIZE_MAX,
  XATTR_LIST_MAX,
  type XattrCred,
} from '../fs/xattr.js';
import { O_PATH } from '../fs/file.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';
import { CAP_SYS_ADMIN, capable } from '../security/commoncap.js';

export function xattrCred(t: Task): XattrCred {
  return { fsuid: t.cred.fsuid, fsgid: t.cred.fsgid, groups: t.cred.groups, capEff: t.cred.capEff, admin: capable(t.cred, CAP_SYS_ADMIN) };
}

/** strncpy_from_user into a 256-byte buffer: no NUL within it (or an empty name) is ERANGE. */
function xattrName(t: Task, addr: number): string | number {
  const s = t.mm.readCString(addr, XATTR_NAME_MAX);
  if (s) return s.length ? String.fromCharCode(...s) : -ERANGE;
  for (let i = 0; i <= XATTR_NAME_MAX; i++) {
    const b = t.mm.read(addr + i, 1);
    if (!b) return -EFAULT;
    if (b[0] === 0) return -EFAULT; // unreachable: readCString would have found it
  }
  return -ERANGE;
}

/** Which object a call names: a path (following symlinks or not) or a descriptor. */
type Target = { kind: 'path'; follow: boolean } | { kind: 'fd' };

function targetOf(k: Kernel, t: Task, a: SyscallArgs, tg: Target): Path | number {
  if (tg.kind === 'fd') {
    const f = t.files.get(a.int(0));
    return f && !(f.flags & O_PATH) ? f.path : -EBADF;
  }
  const p = userPath(t, a.ulong(0));
  if (typeof p === 'number') return p;
  return k.vfs.resolve(t, -100, p, tg.follow);
}

const writable = (p: Path): number => (p.mnt.flags.includes('ro') ? -EROFS : 0);

function setxattr(k: Kernel, t: Task, a: SyscallArgs, tg: Target): number {
  const fdFirst = tg.kind === 'fd' ? targetOf(k, t, a, tg) : 0;
  if (typeof fdFirst === 'number' && fdFirst < 0) return fdFirst;
  const flags = a.int(4),
    size = a.ulong(3),
    valueAddr = a.ulong(2);
  if (flags & ~(XATTR_CREATE | XATTR_REPLACE)) return -EINVAL;
  const name = xattrName(t, a.ulong(1));
  if (typeof name === 'number') return name;
  if (size > XATTR_SIZE_MAX) return -E2BIG;
  const value = size ? t.mm.read(valueAddr, size) : new Uint8Array(0);
  if (!value) return -EFAULT;
  const p = tg.kind === 'fd' ? (fdFirst as Path) : targetOf(k, t, a, tg);
  if (typeof p === 'number') return p;
  const ro = writable(p);
  if (ro < 0) return ro;
  return vfsSetxattr(p.dentry.inode, name, value, flags, xattrCred(t));
}

function getxattr(k: Kernel, t: Task, a: SyscallArgs, tg: Target): number {
  const p = targetOf(k, t, a, tg);
  if (typeof p === 'number') return p;
  const name = xattrName(t, a.ulong(1));
  if (typeof name === 'number') return name;
  const size = Math.min(a.ulong(3), XATTR_SIZE_MAX);
  const v = vfsGetxattr(p.dentry.inode, name, xattrCred(t));
  if (typeof v === 'number') return v;
  if (size === 0) return v.length;
  if (v.length > size) return size >= XATTR_SIZE_MAX ? -E2BIG : -ERANGE;
  return !v.length || t.mm.write(a.ulong(2), v) ? v.length : -EFAULT;
}

function listxattr(k: Kernel, t: Task, a: SyscallArgs, tg: Target): number {
  const p = targetOf(k, t, a, tg);
  if (typeof p === 'number') return p;
  const size = Math.min(a.ulong(2), XATTR_LIST_MAX);
  const names = vfsListxattr(p.dentry.inode as Inode, xattrCred(t));
  const bytes: number[] = [];
  for (const n of names) {
    for (let i = 0; i < n.length; i++) bytes.push(n.charCodeAt(i) & 0xff);
    bytes.push(0);
  }
  if (size === 0) return bytes.length;
  if (bytes.length > size) return size >= XATTR_LIST_MAX ? -E2BIG : -ERANGE;
  return !bytes.length || t.mm.write(a.ulong(1), Uint8Array.from(bytes)) ? bytes.length : -EFAULT;
}

function removexattr(k: Kernel, t: Task, a: SyscallArgs, tg: Target): number {
  const fdFirst = tg.kind === 'fd' ? targetOf(k, t, a, tg) : 0;
  if (typeof fdFirst === 'number' && fdFirst < 0) return fdFirst;
  const name = xattrName(t, a.ulong(1));
  if (typeof name === 'number') return name;
  const p = tg.kind === 'fd' ? (fdFirst as Path) : targetOf(k, t, a, tg);
  if (typeof p === 'number') return p;
  const ro = writable(p);
  if (ro < 0) return ro;
  return vfsRemovexattr(p.dentry.inode, name, xattrCred(t));
}

const FOLLOW: Target = { kind: 'path', follow: true },
  NOFOLLOW: Target = { kind: 'path', follow: false },
  FD: Target = { kind: 'fd' };
export function sys_setxattr(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return setxattr(k, t, a, FOLLOW);
}
export function sys_lsetxattr(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return setxattr(k, t, a, NOFOLLOW);
}
export function sys_fsetxattr(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return setxattr(k, t, a, FD);
}
export function sys_getxattr(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return getxattr(k, t, a, FOLLOW);
}
export function sys_lgetxattr(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return getxattr(k, t, a, NOFOLLOW);
}
export function sys_fgetxattr(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return getxattr(k, t, a, FD);
}
export function sys_listxattr(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return listxattr(k, t, a, FOLLOW);
}
export function sys_llistxattr(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return listxattr(k, t, a, NOFOLLOW);
}
export function sys_flistxattr(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return listxattr(k, t, a, FD);
}
export function sys_removexattr(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return removexattr(k, t, a, FOLLOW);
}
export function sys_lremovexattr(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return removexattr(k, t, a, NOFOLLOW);
}
export function sys_fremovexattr(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return removexattr(k, t, a, FD);
}
