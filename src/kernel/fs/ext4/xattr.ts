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

const EXT4_XATTR_MAGIC = 0xea020000;
const decoder = new TextDecoder('latin1');

/** ext4_xattr_handler_map: name index to prefix. The POSIX ACL indexes (2, 3) are kept apart. */
const PREFIX: Record<number, string> = { 1: 'user.', 4: 'trusted.', 6: 'security.', 7: 'system.' };

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
  if (map.size) inode.xattrs = map;
  return 0;
}
