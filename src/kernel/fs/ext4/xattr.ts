// Extended attributes (Linux's fs/ext4/xattr.c, the reading half): entries
// stored in the inode's extra space after i_extra_isize, and in one shared
// xattr block named by i_file_acl. Each entry's name is an index (the
// prefix: user., trusted., security., system.) and a suffix; values inside
// the inode count from the first entry, values in a block from the block's
// start. Every offset and size is checked against the space it must lie in.
import { u16, u32 } from './ext4.js';
import { xattrBlockCsum } from './csum.js';
import { EFSBADCRC } from './super.js';
import type { Ext4Inode } from './inode.js';
import { ACL_GROUP, ACL_USER, aclValid, type AclEntry } from '../posix_acl.js';

const EXT4_XATTR_MAGIC = 0xea020000;
const decoder = new TextDecoder('latin1');

/** ext4_xattr_handler_map: name index to prefix. The POSIX ACLs (indexes 2 and 3) become the inode's ACLs. */
const PREFIX: Record<number, string> = { 1: 'user.', 2: 'system.posix_acl_access', 3: 'system.posix_acl_default', 4: 'trusted.', 6: 'security.', 7: 'system.' };
const ACL_ACCESS = 'system.posix_acl_access',
  ACL_DEFAULT = 'system.posix_acl_default';

/**
 * ext4_acl_from_disk: version 1, then entries of 4 bytes (tag, perm) or, for
 * named users and groups, 8 (with the id). null for a malformed or invalid
 * ACL, which then does not apply (Linux fails the ACL lookup with EINVAL).
 */
function aclFromDisk(v: Uint8Array): AclEntry[] | null {
  if (v.length < 4 || u32(v, 0) !== 1) return null;
  const out: AclEntry[] = [];
  for (let o = 4; o < v.length;) {
    if (o + 4 > v.length) return null;
    const tag = u16(v, o),
      perm = u16(v, o + 2);
    const named = tag === ACL_USER || tag === ACL_GROUP;
    if (named && o + 8 > v.length) return null;
    out.push({ tag, perm, id: named ? u32(v, o + 4) : 0xffffffff });
    o += named ? 8 : 4;
  }
  return out.length && aclValid(out) === 0 ? out : null;
}

/**
 * Parses the entries from `start` (first entry) in buf; values at base +
 * e_value_offs, all within [start, end). Returns the number of entries or -1
 * when an entry or value falls outside (ext4_xattr_check_entries).
 */
function parseEntries(buf: Uint8Array, start: number, end: number, base: number, out: Map<string, Uint8Array>): number {
  let off = start,
    n = 0;
  while (off + 4 <= end && u32(buf, off) !== 0) {
    if (off + 16 > end) return -1;
    const nameLen = buf[off]!,
      index = buf[off + 1]!,
      valueOffs = u16(buf, off + 2),
      valueInum = u32(buf, off + 4),
      valueSize = u32(buf, off + 8);
    const next = off + ((16 + nameLen + 3) & ~3);
    if (next > end) return -1;
    if (valueInum !== 0) return -1; // ea_inode values are refused at mount; one here is corruption
    const vs = base + valueOffs;
    if (valueSize && (vs < start || vs + valueSize > end)) return -1;
    const prefix = PREFIX[index];
    if (prefix !== undefined) out.set(prefix + decoder.decode(buf.subarray(off + 16, off + 16 + nameLen)), buf.slice(vs, vs + valueSize));
    off = next;
    n++;
  }
  return n;
}

/** The inode's xattrs into inode.xattrs: 0, or -errno with an EXT4-fs error for a damaged block or inode body. */
export function readXattrs(inode: Ext4Inode, raw: Uint8Array): number {
  const sb = inode.sb;
  const map = new Map<string, Uint8Array>();
  // In-inode: after the 128-byte base and i_extra_isize, a magic word, then entries to the end of the inode.
  const ibody = 128 + inode.extraIsize;
  if (raw.length > 128 && ibody + 4 <= raw.length && u32(raw, ibody) === EXT4_XATTR_MAGIC) {
    if (parseEntries(raw, ibody + 4, raw.length, ibody + 4, map) < 0)
      return sb.errorInode('ext4_xattr_ibody_get', 660, inode.ino, 0, 'corrupted in-inode xattr: invalid ea_ino');
  }
  if (inode.fileAcl) {
    const blk = sb.readBlock(inode.fileAcl);
    if (typeof blk === 'number') return sb.errorInode('ext4_xattr_block_get', 560, inode.ino, inode.fileAcl, 'corrupted xattr block');
    if (u32(blk, 0) !== EXT4_XATTR_MAGIC || u32(blk, 8) !== 1) {
      return sb.errorInode('ext4_xattr_block_get', 560, inode.ino, inode.fileAcl, `corrupted xattr block ${inode.fileAcl}: invalid header`);
    }
    if (sb.csum && xattrBlockCsum(sb.seed, inode.fileAcl, blk) !== u32(blk, 0x10)) {
      return sb.errorInode('ext4_xattr_block_get', 560, inode.ino, inode.fileAcl, `corrupted xattr block ${inode.fileAcl}: invalid checksum`, EFSBADCRC);
    }
    if (parseEntries(blk, 32, blk.length, 0, map) < 0)
      return sb.errorInode('ext4_xattr_block_get', 560, inode.ino, inode.fileAcl, `corrupted xattr block ${inode.fileAcl}: corrupted xattr entries`);
  }
  for (const [name, field] of [
    [ACL_ACCESS, 'aclAccess'],
    [ACL_DEFAULT, 'aclDefault'],
  ] as const) {
    const v = map.get(name);
    if (!v) continue;
    map.delete(name);
    inode[field] = aclFromDisk(v);
  }
  if (map.size) inode.xattrs = map;
  return 0;
}
