// Changing an ext2/ext3 block map (Linux's fs/ext4/indirect.c, the writing
// half): a new block is recorded in i_block or in the indirect block for
// its place, the indirect blocks on the way allocated (zeroed, counted in
// i_blocks) as needed; a truncate frees the data blocks past the new end
// and every indirect block left with nothing under it.
import { EFBIG } from '../../errno.js';
import { u32, w32 } from './ext4.js';
import { EFSCORRUPTED } from './super.js';
import { freeBlocks, newBlocks } from './mballoc.js';
import type { Ext4Inode } from './inode.js';

const DIRECT = 12;

/** ext4_block_to_path: the i_block slot, and the offsets within each indirect level below it. */
function path(per: number, lblk: number): number[] | null {
  if (lblk < DIRECT) return [lblk];
  lblk -= DIRECT;
  if (lblk < per) return [12, lblk];
  lblk -= per;
  if (lblk < per * per) return [13, Math.floor(lblk / per), lblk % per];
  lblk -= per * per;
  if (lblk < per * per * per) return [14, Math.floor(lblk / (per * per)), Math.floor(lblk / per) % per, lblk % per];
  return null;
}

/** The first block of the inode's group: where its data goes when nothing better is known (ext4_inode_to_goal_block). */
export function inodeGoal(inode: Ext4Inode): number {
  const g = inode.sb.g;
  return g.firstDataBlock + Math.floor((inode.ino - 1) / g.inodesPerGroup) * g.blocksPerGroup;
}

/** Records pblk as logical block lblk, allocating the indirect blocks on the way. 0 or -errno. */
export function indSetBlock(inode: Ext4Inode, lblk: number, pblk: number): number {
  const sb = inode.sb;
  const per = sb.blockSize / 4;
  const p = path(per, lblk);
  if (!p) return -EFBIG;
  if (p.length === 1) {
    w32(inode.iblock, p[0]! * 4, pblk);
    return 0;
  }
  let ptr = u32(inode.iblock, p[0]! * 4);
  if (ptr === 0) {
    const r = newBlocks(sb, pblk, 1);
    if (typeof r === 'number') return r;
    const z = sb.writeBlock(r.start, new Uint8Array(sb.blockSize));
    if (z < 0) return z;
    ptr = r.start;
    w32(inode.iblock, p[0]! * 4, ptr);
    inode.iBlocks += sb.blockSize / 512;
  }
  for (let l = 1; l < p.length; l++) {
    const blk = sb.blockCopy(ptr);
    if (typeof blk === 'number') return blk;
    const at = p[l]! * 4;
    if (l === p.length - 1) {
      w32(blk, at, pblk);
      return sb.writeBlock(ptr, blk);
    }
    let next = u32(blk, at);
    if (next === 0) {
      const r = newBlocks(sb, pblk, 1);
      if (typeof r === 'number') return r;
      const z = sb.writeBlock(r.start, new Uint8Array(sb.blockSize));
      if (z < 0) return z;
      next = r.start;
      w32(blk, at, next);
      const w = sb.writeBlock(ptr, blk);
      if (w < 0) return w;
      inode.iBlocks += sb.blockSize / 512;
    }
    if (next < sb.g.firstDataBlock || next >= sb.g.blocksCount)
      return sb.errorInode('ext4_ind_map_blocks', 538, inode.ino, 0, `invalid block reference ${next}`);
    ptr = next;
  }
  return 0;
}

/**
 * ext4_ind_truncate: frees every block mapping logical blocks >= from, and
 * the indirect blocks that then map nothing. Returns the blocks freed or -errno.
 */
export function indTruncate(inode: Ext4Inode, from: number): number {
  const sb = inode.sb;
  const per = sb.blockSize / 4;
  let freed = 0;
  let err = 0;
  const valid = (b: number) => b >= sb.g.firstDataBlock && b < sb.g.blocksCount;
  const release = (b: number) => {
    const r = freeBlocks(sb, b, 1);
    if (r < 0) err = r;
    freed++;
  };
  /** Frees what the indirect block `b` (mapping `span` blocks from `first`, `level` levels deep) maps at or past from; true if it is now empty. */
  const walk = (b: number, first: number, level: number, span: number): boolean => {
    if (!valid(b)) {
      err = -EFSCORRUPTED;
      return false;
    }
    const blk = sb.blockCopy(b);
    if (typeof blk === 'number') {
      err = blk;
      return false;
    }
    const child = span / per;
    let changed = false,
      empty = true;
    for (let i = 0; i < per; i++) {
      const c = u32(blk, i * 4);
      if (c === 0) continue;
      const start = first + i * child;
      if (start + child <= from) {
        empty = false;
        continue;
      }
      if (level === 1) {
        if (valid(c)) release(c);
        w32(blk, i * 4, 0);
        changed = true;
      } else if (walk(c, start, level - 1, child)) {
        release(c);
        w32(blk, i * 4, 0);
        changed = true;
      } else empty = false;
    }
    if (changed && !empty) {
      const w = sb.writeBlock(b, blk);
      if (w < 0) err = w;
    }
    return empty;
  };
  for (let i = 0; i < DIRECT; i++) {
    const c = u32(inode.iblock, i * 4);
    if (c && i >= from) {
      if (valid(c)) release(c);
      w32(inode.iblock, i * 4, 0);
    }
  }
  const starts = [DIRECT, DIRECT + per, DIRECT + per + per * per];
  for (let l = 0; l < 3; l++) {
    const c = u32(inode.iblock, (12 + l) * 4);
    if (!c) continue;
    const span = per ** (l + 1);
    if (starts[l]! + span <= from) continue;
    if (walk(c, starts[l]!, l + 1, span)) {
      if (valid(c)) release(c);
      w32(inode.iblock, (12 + l) * 4, 0);
    }
  }
  inode.iBlocks = Math.max(0, inode.iBlocks - freed * (sb.blockSize / 512));
  return err < 0 ? err : freed;
}
