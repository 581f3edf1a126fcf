// POSIX access control lists as file systems with ACL support keep them
// (Linux's fs/posix_acl.c): the system.posix_acl_* xattr format, validity
// rules, and the link to the mode bits. An ACL that says no more than the
// mode is not stored: it only sets the mode. Stored entries for the owner,
// the mask (or owning group) and others always mirror the mode, so chmod
// needs no extra step.
import { EACCES, EINVAL, ENODATA, EOPNOTSUPP, EPERM } from '../errno.js';
import { fsCapable, isDir, isLnk, S_ISGID, type FsCred, type Inode } from './inode.js';
import { CAP_FOWNER, CAP_FSETID } from '../security/commoncap.js';

export const ACL_USER_OBJ = 0x01,
  ACL_USER = 0x02,
  ACL_GROUP_OBJ = 0x04,
  ACL_GROUP = 0x08,
  ACL_MASK = 0x10,
  ACL_OTHER = 0x20;
export const XATTR_NAME_POSIX_ACL_ACCESS = 'system.posix_acl_access',
  XATTR_NAME_POSIX_ACL_DEFAULT = 'system.posix_acl_default';
const POSIX_ACL_XATTR_VERSION = 2;
const ACL_UNDEFINED_ID = 0xffffffff;

export interface AclEntry {
  tag: number;
  perm: number;
  id: number;
}
export type AclType = 'access' | 'default';

export function aclType(name: string): AclType | null {
  return name === XATTR_NAME_POSIX_ACL_ACCESS ? 'access' : name === XATTR_NAME_POSIX_ACL_DEFAULT ? 'default' : null;
}

/** posix_acl_from_xattr: entries, null for an empty ACL (removal), or -errno. */
export function aclFromXattr(b: Uint8Array): AclEntry[] | null | number {
  if (b.length < 4) return -EINVAL;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getUint32(0, true) !== POSIX_ACL_XATTR_VERSION) return -EOPNOTSUPP;
  if ((b.length - 4) % 8) return -EINVAL;
  const n = (b.length - 4) / 8;
  if (n === 0) return null;
  const out: AclEntry[] = [];
  for (let i = 0; i < n; i++) {
    const o = 4 + i * 8;
    const tag = dv.getUint16(o, true),
      perm = dv.getUint16(o + 2, true);
    if (![ACL_USER_OBJ, ACL_USER, ACL_GROUP_OBJ, ACL_GROUP, ACL_MASK, ACL_OTHER].includes(tag)) return -EINVAL;
    const named = tag === ACL_USER || tag === ACL_GROUP;
    out.push({ tag, perm, id: named ? dv.getUint32(o + 4, true) : ACL_UNDEFINED_ID });
  }
  return out;
}

/** posix_acl_valid: entries in tag order, each base entry once, a mask when named entries exist. */
export function aclValid(acl: AclEntry[]): number {
  // States: 1 expect USER_OBJ, 2 users, 3 groups, 4 expect OTHER, 0 done.
  let state = 1,
    needsMask = false;
  for (const e of acl) {
    if (e.perm & ~7) return -EINVAL;
    switch (e.tag) {
      case ACL_USER_OBJ:
        if (state !== 1) return -EINVAL;
        state = 2;
        break;
      case ACL_USER:
        if (state !== 2 || e.id === ACL_UNDEFINED_ID) return -EINVAL;
        needsMask = true;
        break;
      case ACL_GROUP_OBJ:
        if (state !== 2) return -EINVAL;
        state = 3;
        break;
      case ACL_GROUP:
        if (state !== 3 || e.id === ACL_UNDEFINED_ID) return -EINVAL;
        needsMask = true;
        break;
      case ACL_MASK:
        if (state !== 3) return -EINVAL;
        state = 4;
        break;
      case ACL_OTHER:
        if (state === 4 || (state === 3 && !needsMask)) {
          state = 0;
          break;
        }
        return -EINVAL;
      default:
        return -EINVAL;
    }
  }
  return state === 0 ? 0 : -EINVAL;
}

/** posix_acl_equiv_mode: the permission bits the ACL implies, and whether it says more. */
function equivMode(acl: AclEntry[]): { mode: number; equiv: boolean } {
  let mode = 0,
    equiv = true;
  for (const e of acl) {
    switch (e.tag) {
      case ACL_USER_OBJ:
        mode |= (e.perm & 7) << 6;
        break;
      case ACL_GROUP_OBJ:
        mode |= (e.perm & 7) << 3;
        break;
      case ACL_OTHER:
        mode |= e.perm & 7;
        break;
      case ACL_MASK:
        mode = (mode & ~0o070) | ((e.perm & 7) << 3);
        equiv = false;
        break;
      default:
        equiv = false;
    }
  }
  return { mode, equiv };
}

/** Set (or with null remove) an ACL: vfs_set_acl then simple_set_acl. */
export function setAcl(inode: Inode, type: AclType, acl: AclEntry[] | null, cred: FsCred): number {
  if (isLnk(inode.mode)) return -EOPNOTSUPP;
  if (acl) {
    const v = aclValid(acl);
    if (v < 0) return v;
  }
  if (type === 'default' && !isDir(inode.mode)) return acl ? -EACCES : 0;
  // inode_owner_or_capable.
  if (!fsCapable(cred, CAP_FOWNER) && cred.fsuid !== inode.uid) return -EPERM;
  if (type === 'access') {
    if (acl) {
      const { mode, equiv } = equivMode(acl);
      let m = (inode.mode & ~0o777) | mode;
      // Only a member of the owning group (or CAP_FSETID) keeps the setgid bit (posix_acl_update_mode).
      if (!fsCapable(cred, CAP_FSETID) && cred.fsgid !== inode.gid && !cred.groups.includes(inode.gid)) m &= ~S_ISGID;
      inode.mode = m;
      if (equiv) acl = null;
    }
    inode.aclAccess = acl;
  } else inode.aclDefault = acl;
  inode.touchC();
  return 0;
}

/** The ACL as its xattr (posix_acl_to_xattr); the base entries come from the mode. */
export function getAcl(inode: Inode, type: AclType): Uint8Array | number {
  if (isLnk(inode.mode)) return -EOPNOTSUPP;
  const acl = type === 'access' ? inode.aclAccess : inode.aclDefault;
  if (!acl) return -ENODATA;
  const hasMask = acl.some((e) => e.tag === ACL_MASK);
  const b = new Uint8Array(4 + acl.length * 8);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, POSIX_ACL_XATTR_VERSION, true);
  acl.forEach((e, i) => {
    let perm = e.perm;
    if (type === 'access') {
      if (e.tag === ACL_USER_OBJ) perm = (inode.mode >> 6) & 7;
      else if (e.tag === ACL_OTHER) perm = inode.mode & 7;
      else if (e.tag === (hasMask ? ACL_MASK : ACL_GROUP_OBJ)) perm = (inode.mode >> 3) & 7;
    }
    dv.setUint16(4 + i * 8, e.tag, true);
    dv.setUint16(6 + i * 8, perm, true);
    dv.setUint32(8 + i * 8, e.id, true);
  });
  return b;
}
