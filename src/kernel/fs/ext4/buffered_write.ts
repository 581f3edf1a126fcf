// Writing file data (Linux's ext4_write_begin / ext4_map_blocks with
// EXT4_GET_BLOCKS_CREATE / ext4_write_end, without delayed allocation):
// the holes under the written range get blocks first (bitmaps and
// descriptors written), then the data goes to those blocks, then the
// extent tree or block map records them and the inode takes the new size.
// That order is ordered mode's promise without a journal: after a crash a
// file may lack the new blocks (leaked, for e2fsck), but never maps a block
// whose data was not written.
import { EFBIG, EIO } from '../../errno.js';
import { collectExtents, insertExtent, storeExtents, type ExtentList } from './extents_write.js';
import { indSetBlock, inodeGoal } from './indirect_write.js';
import { freeBlocks, newBlocks } from './mballoc.js';
import type { Ext4Inode } from './inode.js';

/** The largest logical block an extent can map (ee_block is 32 bits), and ext2's triple-indirect reach. */
function maxBlocks(inode: Ext4Inode): number {
  if (inode.usesExtents) return 2 ** 32 - 1;
  const per = inode.sb.blockSize / 4;
  return 12 + per + per * per + per * per * per;
}

interface Target {
  pblk: number;
  /** Newly allocated: the bytes of the block the write does not cover must read as zeros. */
  fresh: boolean;
}

/**
 * The physical blocks for logical blocks [first, last], allocating the
 * holes (and turning unwritten extents written, zeroing them first). The
 * extent list, when there is one, is changed but not stored: the caller
 * stores it after the data is written. `out` gets the blocks mapped
 * before any error (ENOSPC part way), which are all the list has gained.
 */
function mapForWrite(inode: Ext4Inode, first: number, last: number, list: ExtentList | null, out: Target[]): number {
  const sb = inode.sb;
  const bs = sb.blockSize;
  let goal = inodeGoal(inode);
  for (let lblk = first; lblk <= last;) {
    if (list) {
      const x = list.exts.find((e) => e.lblk <= lblk && lblk < e.lblk + e.len);
      if (x && x.unwritten) {
        // Preallocated space: zeroed on disk, then it is ordinary written space.
        const zero = new Uint8Array(bs);
        for (let i = 0; i < x.len; i++) {
          sb.forget(x.pblk + i);
          if (sb.bdev.write((x.pblk + i) * bs, zero) < 0) return -EIO;
        }
        x.unwritten = false;
      }
      if (x) {
        const n = Math.min(last + 1, x.lblk + x.len) - lblk;
        for (let i = 0; i < n; i++) out.push({ pblk: x.pblk + (lblk - x.lblk) + i, fresh: false });
        lblk += n;
        goal = x.pblk + (lblk - x.lblk);
        continue;
      }
      const next = list.exts.find((e) => e.lblk > lblk);
      const prev = [...list.exts].reverse().find((e) => e.lblk < lblk);
      if (prev) goal = prev.pblk + (lblk - prev.lblk);
      const want = Math.min(last + 1, next ? next.lblk : Infinity) - lblk;
      const r = newBlocks(sb, goal, want);
      if (typeof r === 'number') return r;
      insertExtent(list.exts, { lblk, len: r.len, pblk: r.start, unwritten: false });
      inode.iBlocks += r.len * (bs / 512);
      for (let i = 0; i < r.len; i++) out.push({ pblk: r.start + i, fresh: true });
      lblk += r.len;
      goal = r.start + r.len;
      continue;
    }
    const m = inode.mapBlock(lblk);
    if (typeof m === 'number') return m;
    if (m.pblk) {
      out.push({ pblk: m.pblk, fresh: false });
      goal = m.pblk + 1;
    } else {
      const r = newBlocks(sb, goal, 1);
      if (typeof r === 'number') return r;
      const s = indSetBlock(inode, lblk, r.start);
      if (s < 0) {
        freeBlocks(sb, r.start, 1);
        return s;
      }
      inode.iBlocks += bs / 512;
      out.push({ pblk: r.start, fresh: true });
      goal = r.start + 1;
    }
    lblk++;
  }
  return 0;
}

/** Writes data at pos, growing the file; the bytes written, or -errno (a partial count when space ran out part way). */
export function writeData(inode: Ext4Inode, pos: number, data: Uint8Array): number {
  const sb = inode.sb;
  const bs = sb.blockSize;
  if (data.length === 0) return 0;
  const first = Math.floor(pos / bs);
  let last = Math.floor((pos + data.length - 1) / bs);
  if (last >= maxBlocks(inode)) {
    if (first >= maxBlocks(inode)) return -EFBIG;
    last = maxBlocks(inode) - 1;
  }
  const list = inode.usesExtents ? collectExtents(inode) : null;
  if (typeof list === 'number') return list;
  const mapped: Target[] = [];
  // Out of space part way: what has blocks is written (the extent list holds just those).
  const err = mapForWrite(inode, first, last, list, mapped);
  let written = 0;
  for (let i = 0; i < mapped.length; i++) {
    const lblk = first + i;
    const t = mapped[i]!;
    const bstart = lblk * bs;
    const from = Math.max(pos, bstart),
      to = Math.min(pos + data.length, bstart + bs);
    let blk: Uint8Array;
    if (from === bstart && to === bstart + bs) blk = data.subarray(from - pos, to - pos);
    else {
      if (t.fresh) blk = new Uint8Array(bs);
      else {
        const r = sb.bdev.read(t.pblk * bs, bs);
        if (typeof r === 'number') return written || -EIO;
        blk = r.slice();
        // What lies past EOF in the last block reads as zeros (the page cache's view).
        if (inode.size < bstart + bs) blk.fill(0, Math.max(0, inode.size - bstart));
      }
      blk.set(data.subarray(from - pos, to - pos), from - bstart);
    }
    sb.forget(t.pblk);
    if (sb.bdev.write(t.pblk * bs, blk) < 0) return written || -EIO;
    written = to - pos;
  }
  if (list) {
    const r = storeExtents(inode, list);
    if (r < 0) return r;
  }
  if (pos + written > inode.size) inode.size = pos + written;
  inode.touchM();
  const w = inode.writeInode();
  if (w < 0) return w;
  if (written === 0 && err < 0) return err;
  return written;
}
