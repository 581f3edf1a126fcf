// Truncation and eviction (Linux's ext4_truncate, ext4_setattr's size
// change, ext4_evict_inode): shrinking frees the blocks past the new end
// through the extent tree or the block map and zeroes the tail of the last
// partial block (so growing the file again shows zeros there); growing
// only moves i_size (a hole). An inode with no links left gives back its
// blocks, its xattr block, and its number.
import { u32, w32 } from './ext4.js';
import { S_IFLNK, S_IFMT, S_IFREG, S_IFDIR } from '../inode.js';
import { xattrBlockCsum } from './csum.js';
import { collectExtents, storeExtents } from './extents_write.js';
import { indTruncate } from './indirect_write.js';
import { freeBlocks } from './mballoc.js';
import { freeInodeNumber } from './ialloc.js';
import type { Ext4Inode } from './inode.js';

/** Frees every block mapping logical block >= from. 0 or -errno. */
export function freeFrom(inode: Ext4Inode, from: number): number {
  const sb = inode.sb;
  const sectors = sb.blockSize / 512;
  if (!inode.usesExtents) {
    const r = indTruncate(inode, from);
    return r < 0 ? r : 0;
  }
  const list = collectExtents(inode);
  if (typeof list === 'number') return list;
  let err = 0;
  const keep = [];
  for (const x of list.exts) {
    if (x.lblk + x.len <= from) keep.push(x);
    else if (x.lblk >= from) {
      const r = freeBlocks(sb, x.pblk, x.len);
      if (r < 0) err = r;
      inode.iBlocks -= x.len * sectors;
    } else {
      const cut = from - x.lblk;
      const r = freeBlocks(sb, x.pblk + cut, x.len - cut);
      if (r < 0) err = r;
      inode.iBlocks -= (x.len - cut) * sectors;
      keep.push({ ...x, len: cut });
    }
  }
  list.exts = keep;
  const s = storeExtents(inode, list);
  inode.iBlocks = Math.max(0, inode.iBlocks);
  return s < 0 ? s : err;
}

/** ext4_block_truncate_page: zeros from size to the end of its block, if that block is mapped and written. */
function zeroTail(inode: Ext4Inode, size: number): number {
  const bs = inode.sb.blockSize;
  if (size % bs === 0) return 0;
  const m = inode.mapBlock(Math.floor(size / bs));
  if (typeof m === 'number') return m;
  if (!m.pblk || m.unwritten) return 0;
  const r = inode.sb.bdev.read(m.pblk * bs, bs);
  if (typeof r === 'number') return r;
  const blk = r.slice();
  blk.fill(0, size % bs);
  inode.sb.forget(m.pblk);
  return inode.sb.bdev.write(m.pblk * bs, blk);
}

/** A regular file's new size (truncate(2), O_TRUNC). 0 or -errno. */
export function setSize(inode: Ext4Inode, size: number): number {
  if (size < inode.size) {
    const bs = inode.sb.blockSize;
    const z = zeroTail(inode, size);
    if (z < 0) return z;
    const r = freeFrom(inode, Math.ceil(size / bs));
    if (r < 0) return r;
  }
  inode.size = size;
  inode.touchM();
  return inode.writeInode();
}

/** Whether the inode's blocks are its data (not a fast symlink's text or a device number). */
function hasBlocks(inode: Ext4Inode): boolean {
  const fmt = inode.mode & S_IFMT;
  if (fmt === S_IFREG || fmt === S_IFDIR) return true;
  if (fmt !== S_IFLNK) return false;
  return inode.usesExtents || inode.iBlocks > (inode.fileAcl ? inode.sb.blockSize / 512 : 0);
}

/** ext4_evict_inode then ext4_free_inode. 0 or -errno. */
export function evict(inode: Ext4Inode): number {
  if (inode.freed) return 0;
  const sb = inode.sb;
  if (hasBlocks(inode)) {
    const r = freeFrom(inode, 0);
    if (r < 0) return r;
  }
  if (inode.fileAcl) {
    // ext4_xattr_delete_inode: the last user frees the block, others drop a reference.
    const nr = inode.fileAcl;
    const b = sb.blockCopy(nr);
    if (typeof b !== 'number') {
      const refs = u32(b, 4);
      if (refs <= 1) freeBlocks(sb, nr, 1);
      else {
        w32(b, 4, refs - 1);
        if (sb.csum) w32(b, 0x10, xattrBlockCsum(sb.seed, nr, b));
        sb.writeBlock(nr, b);
      }
    }
    inode.fileAcl = 0;
    inode.iBlocks = Math.max(0, inode.iBlocks - sb.blockSize / 512);
  }
  inode.size = 0;
  inode.nlink = 0;
  // Never 0: e2fsck takes an unlinked inode with a zero dtime for damage (a clock at the epoch would write one).
  inode.dtime = Math.max(1, sb.fs.now().sec);
  const w = inode.writeInode();
  if (w < 0) return w;
  inode.freed = true;
  sb.icache.delete(inode.ino);
  return freeInodeNumber(sb, inode.ino, (inode.mode & S_IFMT) === S_IFDIR);
}
