// The extended attribute calls: {,l,f}{set,get,list,remove}xattr. Argument
// checks come in Linux's order (fs/xattr.c, 6.12): setxattr and removexattr
// copy the name and value before the lookup, getxattr after it; the f* calls
// find the descriptor first.
import { define } from './table.js';
import { NR } from './nr.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { Inode } from '../fs/inode.js';
import type { Path } from '../fs/mount.js';
import { E2BIG, EBADF, EFAULT, EINVAL, ERANGE, EROFS } from '../errno.js';
import { userPath } from './uaccess.js';
import {
  vfsGetxattr, vfsListxattr, vfsRemovexattr, vfsSetxattr, XATTR_CREATE, XATTR_REPLACE, XATTR_NAME_MAX,
  XATTR_SIZE_MAX, XATTR_LIST_MAX, type XattrCred,
} from '../fs/xattr.js';
import { O_PATH } from '../fs/file.js';

export function xattrCred(t: Task): XattrCred {
  return { fsuid: t.cred.fsuid, fsgid: t.cred.fsgid, groups: t.cred.groups, admin: t.cred.euid === 0 };
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

function targetOf(k: Kernel, t: Task, tg: Target): Path | number {
  if (tg.kind === 'fd') {
    const f = t.files.get(k.argInt(0));
    return f && !(f.flags & O_PATH) ? f.path : -EBADF;
  }
  const p = userPath(t, k.arg(0));
  if (typeof p === 'number') return p;
  return k.vfs.resolve(t, -100, p, tg.follow);
}

const writable = (p: Path): number => (p.mnt.flags.includes('ro') ? -EROFS : 0);

function setxattr(k: Kernel, t: Task, tg: Target): number {
  const fdFirst = tg.kind === 'fd' ? targetOf(k, t, tg) : 0;
  if (typeof fdFirst === 'number' && fdFirst < 0) return fdFirst;
  const flags = k.argInt(4), size = k.arg(3), valueAddr = k.arg(2);
  if (flags & ~(XATTR_CREATE | XATTR_REPLACE)) return -EINVAL;
  const name = xattrName(t, k.arg(1));
  if (typeof name === 'number') return name;
  if (size > XATTR_SIZE_MAX) return -E2BIG;
  const value = size ? t.mm.read(valueAddr, size) : new Uint8Array(0);
  if (!value) return -EFAULT;
  const p = tg.kind === 'fd' ? fdFirst as Path : targetOf(k, t, tg);
  if (typeof p === 'number') return p;
  const ro = writable(p);
  if (ro < 0) return ro;
  return vfsSetxattr(p.dentry.inode, name, value, flags, xattrCred(t));
}

function getxattr(k: Kernel, t: Task, tg: Target): number {
  const p = targetOf(k, t, tg);
  if (typeof p === 'number') return p;
  const name = xattrName(t, k.arg(1));
  if (typeof name === 'number') return name;
  const size = Math.min(k.arg(3), XATTR_SIZE_MAX);
  const v = vfsGetxattr(p.dentry.inode, name, xattrCred(t));
  if (typeof v === 'number') return v;
  if (size === 0) return v.length;
  if (v.length > size) return size >= XATTR_SIZE_MAX ? -E2BIG : -ERANGE;
  return !v.length || t.mm.write(k.arg(2), v) ? v.length : -EFAULT;
}

function listxattr(k: Kernel, t: Task, tg: Target): number {
  const p = targetOf(k, t, tg);
  if (typeof p === 'number') return p;
  const size = Math.min(k.arg(2), XATTR_LIST_MAX);
  const names = vfsListxattr(p.dentry.inode as Inode, xattrCred(t));
  const bytes: number[] = [];
  for (const n of names) { for (let i = 0; i < n.length; i++) bytes.push(n.charCodeAt(i) & 0xff); bytes.push(0); }
  if (size === 0) return bytes.length;
  if (bytes.length > size) return size >= XATTR_LIST_MAX ? -E2BIG : -ERANGE;
  return !bytes.length || t.mm.write(k.arg(1), Uint8Array.from(bytes)) ? bytes.length : -EFAULT;
}

function removexattr(k: Kernel, t: Task, tg: Target): number {
  const fdFirst = tg.kind === 'fd' ? targetOf(k, t, tg) : 0;
  if (typeof fdFirst === 'number' && fdFirst < 0) return fdFirst;
  const name = xattrName(t, k.arg(1));
  if (typeof name === 'number') return name;
  const p = tg.kind === 'fd' ? fdFirst as Path : targetOf(k, t, tg);
  if (typeof p === 'number') return p;
  const ro = writable(p);
  if (ro < 0) return ro;
  return vfsRemovexattr(p.dentry.inode, name, xattrCred(t));
}

const FOLLOW: Target = { kind: 'path', follow: true }, NOFOLLOW: Target = { kind: 'path', follow: false }, FD: Target = { kind: 'fd' };
define(NR.setxattr, (k, t) => setxattr(k, t, FOLLOW));
define(NR.lsetxattr, (k, t) => setxattr(k, t, NOFOLLOW));
define(NR.fsetxattr, (k, t) => setxattr(k, t, FD));
define(NR.getxattr, (k, t) => getxattr(k, t, FOLLOW));
define(NR.lgetxattr, (k, t) => getxattr(k, t, NOFOLLOW));
define(NR.fgetxattr, (k, t) => getxattr(k, t, FD));
define(NR.listxattr, (k, t) => listxattr(k, t, FOLLOW));
define(NR.llistxattr, (k, t) => listxattr(k, t, NOFOLLOW));
define(NR.flistxattr, (k, t) => listxattr(k, t, FD));
define(NR.removexattr, (k, t) => removexattr(k, t, FOLLOW));
define(NR.lremovexattr, (k, t) => removexattr(k, t, NOFOLLOW));
define(NR.fremovexattr, (k, t) => removexattr(k, t, FD));
