// Extended attributes at the VFS level (Linux's fs/xattr.c with tmpfs's
// handlers): the namespace permission rules, handler lookup by prefix, and
// the in-memory store of file systems that keep xattrs (simple_xattrs).
import { EEXIST, EINVAL, ENODATA, EOPNOTSUPP, EPERM } from '../errno.js';
import { isDir, isReg, S_ISVTX, type FsCred, type Inode, fsCapable } from './inode.js';
import { aclType, aclFromXattr, getAcl, setAcl, XATTR_NAME_POSIX_ACL_ACCESS, XATTR_NAME_POSIX_ACL_DEFAULT } from './posix_acl.js';

export const XATTR_CREATE = 1,
  XATTR_REPLACE = 2;
export const XATTR_NAME_MAX = 255,
  XATTR_SIZE_MAX = 65536,
  XATTR_LIST_MAX = 65536;
export const FS_IMMUTABLE_FL = 0x10,
  FS_APPEND_FL = 0x20;
const MAY_WRITE = 2,
  MAY_READ = 4;

/** Who asks: file-system credentials plus CAP_SYS_ADMIN. */
export interface XattrCred extends FsCred {
  admin: boolean;
}

/** The prefixes tmpfs has handlers for (shmem_xattr_handlers, ACLs aside). */
const HANDLERS = ['security.', 'trusted.', 'user.'];

const isTrusted = (name: string) => name.startsWith('trusted.');

/** xattr_permission: the namespace rules, then ordinary file permission. */
function permission(inode: Inode, name: string, mask: number, cred: XattrCred): number {
  if (mask & MAY_WRITE && inode.iflags & (FS_IMMUTABLE_FL | FS_APPEND_FL)) return -EPERM;
  if (name.startsWith('security.') || name.startsWith('system.')) return 0;
  if (isTrusted(name)) return cred.admin ? 0 : mask & MAY_WRITE ? -EPERM : -ENODATA;
  if (name.startsWith('user.')) {
    if (!isReg(inode.mode) && !isDir(inode.mode)) return mask & MAY_WRITE ? -EPERM : -ENODATA;
    // In a sticky directory only the owner writes attributes.
    if (isDir(inode.mode) && inode.mode & S_ISVTX && mask & MAY_WRITE && !fsCapable(cred, 3 /* CAP_FOWNER */) && cred.fsuid !== inode.uid) return -EPERM;
  }
  return inode.permission(mask === MAY_READ ? 4 : 2, cred);
}

/** The commoncap hook: writing security.* needs CAP_SYS_ADMIN (security.capability aside). */
function securityCheck(name: string, cred: XattrCred): number {
  if (!name.startsWith('security.') || name === 'security.capability') return 0;
  return cred.admin ? 0 : -EPERM;
}

/** xattr_resolve_name: a handler must match the prefix, and the name must go beyond it. */
function resolve(inode: Inode, name: string): number {
  if (!inode.sb.xattr) return -EOPNOTSUPP;
  const h = HANDLERS.find((p) => name.startsWith(p));
  if (!h) return -EOPNOTSUPP;
  return name.length === h.length ? -EINVAL : 0;
}

export function vfsSetxattr(inode: Inode, name: string, value: Uint8Array, flags: number, cred: XattrCred): number {
  const type = aclType(name);
  if (type) {
    const acl = aclFromXattr(value);
    if (typeof acl === 'number') return acl;
    if (inode.iflags & (FS_IMMUTABLE_FL | FS_APPEND_FL)) return -EPERM;
    if (!inode.sb.posixAcl || !inode.sb.xattrWrite) return -EOPNOTSUPP;
    return setAcl(inode, type, acl, cred);
  }
  const r = mayChange(inode, name, cred);
  if (r < 0) return r;
  if (!inode.sb.xattrWrite) return -EOPNOTSUPP;
  const store = (inode.xattrs ??= new Map());
  const exists = store.has(name);
  if (flags & XATTR_CREATE && exists) return -EEXIST;
  if (flags & XATTR_REPLACE && !exists) return -ENODATA;
  store.set(name, value.slice());
  inode.touchC();
  return 0;
}

export function vfsGetxattr(inode: Inode, name: string, cred: XattrCred): Uint8Array | number {
  const type = aclType(name);
  if (type) return inode.sb.posixAcl ? getAcl(inode, type) : -EOPNOTSUPP;
  let r = permission(inode, name, MAY_READ, cred);
  if (r < 0) return r;
  r = resolve(inode, name);
  if (r < 0) return r;
  return inode.xattrs?.get(name) ?? -ENODATA;
}

/** The checks both setting and removing a (non-ACL) attribute pass: namespace permission, security, handler. */
function mayChange(inode: Inode, name: string, cred: XattrCred): number {
  let r = permission(inode, name, MAY_WRITE, cred);
  if (r < 0) return r;
  r = securityCheck(name, cred);
  if (r < 0) return r;
  return resolve(inode, name);
}

export function vfsRemovexattr(inode: Inode, name: string, cred: XattrCred): number {
  const type = aclType(name);
  if (type) {
    if (inode.iflags & (FS_IMMUTABLE_FL | FS_APPEND_FL)) return -EPERM;
    if (!inode.sb.posixAcl || !inode.sb.xattrWrite) return -EOPNOTSUPP;
    return setAcl(inode, type, null, cred);
  }
  const r = mayChange(inode, name, cred);
  if (r < 0) return r;
  if (!inode.sb.xattrWrite) return -EOPNOTSUPP;
  if (!inode.xattrs?.delete(name)) return -ENODATA;
  inode.touchC();
  return 0;
}

/**
 * simple_xattr_list: ACL names first, then the stored names in the order
 * of tmpfs's rbtree walk (descending byte order), trusted.* only for
 * CAP_SYS_ADMIN. A file system without xattrs lists nothing.
 */
export function vfsListxattr(inode: Inode, cred: XattrCred): string[] {
  if (!inode.sb.xattr) return [];
  const out: string[] = [];
  if (inode.aclAccess) out.push(XATTR_NAME_POSIX_ACL_ACCESS);
  if (inode.aclDefault) out.push(XATTR_NAME_POSIX_ACL_DEFAULT);
  const names = [...(inode.xattrs?.keys() ?? [])].filter((n) => cred.admin || !isTrusted(n));
  names.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  return out.concat(names);
}
