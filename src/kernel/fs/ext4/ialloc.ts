// Inode allocation (Linux's fs/ext4/ialloc.c, without Orlov's spreading of
// top-level directories): a new inode goes in the parent's group if it has
// a free one, else the next group that does. The inode bitmap, its checksum,
// the descriptor's counts (free inodes, directories, the unused tail of the
// inode table that itable_unused promises e2fsck is untouched) are written
// before the inode itself.
import { ENOSPC } from '../../errno.js';
import { w16 } from './ext4.js';
import { bitmapCsum } from './csum.js';
import { EXT4_BG_INODE_UNINIT } from './balloc.js';
import { EFSCORRUPTED, type Ext4Super } from './super.js';
import { bit, clearBit, setBit } from './mballoc.js';

/** ext4_inode_bitmap_csum_set: lo at 0x1a, hi at 0x3a in a 64-byte descriptor. */
function inodeBitmapCsumPatch(sb: Ext4Super, bitmap: Uint8Array): ((raw: Uint8Array) => void) | undefined {
  if (!sb.csum) return undefined;
  const c = bitmapCsum(sb.seed, bitmap, sb.g.inodesPerGroup / 8);
  return (raw) => {
    w16(raw, 0x1a, c & 0xffff);
    if (sb.g.descSize >= 64) w16(raw, 0x3a, c >>> 16);
  };
}

/** The group's inode bitmap; an INODE_UNINIT group's is all free, with the bits past the group's inodes set (ext4_mark_bitmap_end). */
function inodeBitmap(sb: Ext4Super, grp: number): Uint8Array | number {
  const d = sb.groups[grp]!;
  if (!(d.flags & EXT4_BG_INODE_UNINIT)) return sb.blockCopy(d.inodeBitmap);
  const bm = new Uint8Array(sb.blockSize);
  for (let i = sb.g.inodesPerGroup; i < sb.blockSize * 8; i++) setBit(bm, i);
  return bm;
}

/** __ext4_new_inode's search and bookkeeping: the new inode's number, or -errno. */
export function newInodeNumber(sb: Ext4Super, parentIno: number, dir: boolean): number {
  const g = sb.g;
  const start = Math.floor((parentIno - 1) / g.inodesPerGroup);
  for (let n = 0; n < g.groupCount; n++) {
    const grp = (start + n) % g.groupCount;
    const d = sb.groups[grp]!;
    if (d.freeInodes === 0) continue;
    const bm = inodeBitmap(sb, grp);
    if (typeof bm === 'number') return bm;
    // Inodes below s_first_ino are reserved (root, journal, resize, ...).
    const from = grp === 0 ? g.firstIno - 1 : 0;
    let at = -1;
    for (let i = from; i < g.inodesPerGroup; i++)
      if (!bit(bm, i)) {
        at = i;
        break;
      }
    if (at < 0) continue;
    setBit(bm, at);
    const w = sb.writeBlock(d.inodeBitmap, bm);
    if (w < 0) return w;
    if (d.flags & EXT4_BG_INODE_UNINIT) d.flags &= ~EXT4_BG_INODE_UNINIT;
    d.freeInodes--;
    if (dir) d.usedDirs++;
    if (at >= g.inodesPerGroup - d.itableUnused) d.itableUnused = g.inodesPerGroup - at - 1;
    const r = sb.writeDesc(grp, inodeBitmapCsumPatch(sb, bm));
    if (r < 0) return r;
    return grp * g.inodesPerGroup + at + 1;
  }
  return -ENOSPC;
}

/** ext4_free_inode: the bit cleared and the counts given back. 0 or -errno. */
export function freeInodeNumber(sb: Ext4Super, ino: number, dir: boolean): number {
  const g = sb.g;
  const grp = Math.floor((ino - 1) / g.inodesPerGroup);
  const at = (ino - 1) % g.inodesPerGroup;
  const d = sb.groups[grp];
  if (!d || ino < g.firstIno) return sb.errorInode('ext4_free_inode', 260, ino, 0, 'reserved or nonexistent inode');
  const bm = inodeBitmap(sb, grp);
  if (typeof bm === 'number') return bm;
  if (!bit(bm, at)) {
    sb.host.printk(2, `EXT4-fs error (device ${sb.id}): ext4_free_inode:296: comm ${sb.host.comm()}: bit already cleared for inode ${ino}`);
    return -EFSCORRUPTED;
  }
  clearBit(bm, at);
  const w = sb.writeBlock(d.inodeBitmap, bm);
  if (w < 0) return w;
  d.freeInodes++;
  if (dir && d.usedDirs > 0) d.usedDirs--;
  return sb.writeDesc(grp, inodeBitmapCsumPatch(sb, bm));
}
