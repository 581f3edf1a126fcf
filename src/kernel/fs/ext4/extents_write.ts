// Changing an extent tree (Linux's fs/ext4/extents.c, the writing half), done
// the simple way: the file's extents are read into a list, changed there
// (new runs inserted and merged with their neighbours, runs cut at a
// truncate, unwritten runs turned written), and the tree is laid out again
// from the list: up to 4 extents in the inode's i_block, else leaf blocks
// under an index in i_block (depth 1), else a second index level (depth
// 2). Tree blocks are reused where the tree keeps their number, new ones
// allocated near the file's data, extra ones freed; every block node gets
// its checksum tail. The result is a valid tree of minimal depth, which is
// what e2fsck checks (Linux's splits leave other, equally valid, shapes).
import { u16, u32, w16, w32, hi32 } from './ext4.js';
import { extentBlockCsum } from './csum.js';
import { EXT4_EXT_MAGIC } from './extents.js';
import { EFSCORRUPTED } from './super.js';
import { freeBlocks, newBlocks } from './mballoc.js';
import type { Ext4Inode } from './inode.js';

/** EXT_INIT_MAX_LEN and EXT_UNWRITTEN_MAX_LEN: the longest run one extent holds. */
const INIT_MAX = 32768,
  UNWRITTEN_MAX = 32767;

export interface Extent {
  lblk: number;
  len: number;
  pblk: number;
  unwritten: boolean;
}

export interface ExtentList {
  exts: Extent[];
  /** The tree's block nodes (index and leaf blocks), to reuse or free. */
  nodes: number[];
}

/** Every extent of the tree in logical order, and its node blocks, or -errno. Nodes are checked as a lookup checks them. */
export function collectExtents(inode: Ext4Inode): ExtentList | number {
  const out: ExtentList = { exts: [], nodes: [] };
  const sb = inode.sb;
  const walk = (node: Uint8Array, depth: number, level: number): number => {
    if (u16(node, 0) !== EXT4_EXT_MAGIC || u16(node, 6) !== depth || level > 5 || u16(node, 2) > u16(node, 4)) {
      return sb.errorInode('ext4_ext_check_inode', 541, inode.ino, 0, 'pblk 0 bad header/extent: invalid magic');
    }
    const n = u16(node, 2);
    for (let i = 0; i < n; i++) {
      const e = 12 + i * 12;
      if (depth === 0) {
        const raw = u16(node, e + 4);
        const unwritten = raw > INIT_MAX;
        out.exts.push({ lblk: u32(node, e), len: unwritten ? raw - INIT_MAX : raw, pblk: u16(node, e + 6) * 2 ** 32 + u32(node, e + 8), unwritten });
      } else {
        const child = u32(node, e + 4) + u16(node, e + 8) * 2 ** 32;
        if (out.nodes.includes(child) || out.nodes.length > 1 << 16) return sb.errorInode('ext4_find_extent', 905, inode.ino, child, 'extent tree loop');
        const b = sb.readBlock(child);
        if (typeof b === 'number') return b;
        out.nodes.push(child);
        const r = walk(b, depth - 1, level + 1);
        if (r < 0) return r;
      }
    }
    return 0;
  };
  const r = walk(inode.iblock, u16(inode.iblock, 6), 0);
  if (r < 0) return r;
  // The order and bounds every later step relies on.
  for (let i = 0; i < out.exts.length; i++) {
    const x = out.exts[i]!;
    if (x.len === 0 || x.pblk < sb.g.firstDataBlock || x.pblk + x.len > sb.g.blocksCount || (i > 0 && x.lblk < out.exts[i - 1]!.lblk + out.exts[i - 1]!.len)) {
      return sb.errorInode('ext4_ext_map_blocks', 4300, inode.ino, 0, `bad extent address lblock: ${x.lblk}, depth: 0 pblock ${x.pblk}`);
    }
  }
  return out;
}

/** Adds a run to the sorted list, merged with a neighbour it continues (logically and physically). */
export function insertExtent(exts: Extent[], x: Extent): void {
  let i = 0;
  while (i < exts.length && exts[i]!.lblk < x.lblk) i++;
  const prev = exts[i - 1];
  const max = x.unwritten ? UNWRITTEN_MAX : INIT_MAX;
  if (prev && prev.unwritten === x.unwritten && prev.lblk + prev.len === x.lblk && prev.pblk + prev.len === x.pblk && prev.len + x.len <= max) {
    prev.len += x.len;
    const next = exts[i];
    if (next && next.unwritten === x.unwritten && prev.lblk + prev.len === next.lblk && prev.pblk + prev.len === next.pblk && prev.len + next.len <= max) {
      prev.len += next.len;
      exts.splice(i, 1);
    }
    return;
  }
  const next = exts[i];
  if (next && next.unwritten === x.unwritten && x.lblk + x.len === next.lblk && x.pblk + x.len === next.pblk && x.len + next.len <= max) {
    next.lblk = x.lblk;
    next.pblk = x.pblk;
    next.len += x.len;
    return;
  }
  exts.splice(i, 0, { ...x });
}

const header = (b: Uint8Array, entries: number, max: number, depth: number) => {
  w16(b, 0, EXT4_EXT_MAGIC);
  w16(b, 2, entries);
  w16(b, 4, max);
  w16(b, 6, depth);
  w32(b, 8, 0);
};

const putExtent = (b: Uint8Array, i: number, x: Extent) => {
  const e = 12 + i * 12;
  w32(b, e, x.lblk);
  w16(b, e + 4, x.unwritten ? x.len + INIT_MAX : x.len);
  w16(b, e + 6, hi32(x.pblk) & 0xffff);
  w32(b, e + 8, x.pblk >>> 0);
};

const putIndex = (b: Uint8Array, i: number, lblk: number, leaf: number) => {
  const e = 12 + i * 12;
  w32(b, e, lblk);
  w32(b, e + 4, leaf >>> 0);
  w16(b, e + 8, hi32(leaf) & 0xffff);
  w16(b, e + 10, 0);
};

const chunk = <T>(a: T[], n: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < a.length; i += n) out.push(a.slice(i, i + n));
  return out;
};

/**
 * Lays the tree out again for `exts` and updates i_block and i_blocks for
 * the change in node blocks. The caller writes the inode. 0 or -errno
 * (-ENOSPC when a needed node block cannot be had: the old tree is then
 * left as it was, unless its blocks were already reused).
 */
export function storeExtents(inode: Ext4Inode, list: ExtentList): number {
  const sb = inode.sb;
  const bs = sb.blockSize;
  const perBlock = Math.floor((bs - 12) / 12);
  const exts = list.exts;
  // The shape: leaves of perBlock extents, then index blocks over them while more than 4 remain.
  const levels: { lblk: number; count: number }[][] = [];
  let depth = 0;
  let items: { lblk: number }[] = exts;
  while (items.length > 4) {
    if (depth >= 4) return -EFSCORRUPTED;
    const groups = chunk(items, perBlock);
    levels.push(groups.map((g) => ({ lblk: g[0]!.lblk, count: g.length })));
    items = groups.map((g) => ({ lblk: g[0]!.lblk }));
    depth++;
  }
  const need = levels.reduce((n, l) => n + l.length, 0);
  const nodes = list.nodes.slice(0, need);
  const spare = list.nodes.slice(need);
  while (nodes.length < need) {
    const goal = exts.length ? exts[exts.length - 1]!.pblk + exts[exts.length - 1]!.len : 0;
    const r = newBlocks(sb, goal, need - nodes.length);
    if (typeof r === 'number') {
      for (const b of nodes.slice(list.nodes.length)) freeBlocks(sb, b, 1);
      return r;
    }
    for (let i = 0; i < r.len; i++) nodes.push(r.start + i);
  }
  // Write from the leaves up: level 0 holds extents, the levels above index the ones below.
  let used = 0;
  let below: number[] = [];
  let childLblks: number[] = [];
  for (let lv = 0; lv < levels.length; lv++) {
    const here: number[] = [];
    let k = 0;
    for (const n of levels[lv]!) {
      const blk = new Uint8Array(bs);
      header(blk, n.count, perBlock, lv);
      for (let i = 0; i < n.count; i++) {
        if (lv === 0) putExtent(blk, i, exts[k + i]!);
        else putIndex(blk, i, childLblks[k + i]!, below[k + i]!);
      }
      k += n.count;
      if (sb.csum) w32(blk, 12 + 12 * perBlock, extentBlockCsum(inode.iseed, blk, 12 + 12 * perBlock));
      const nr = nodes[used++]!;
      const w = sb.writeBlock(nr, blk);
      if (w < 0) return w;
      here.push(nr);
    }
    below = here;
    childLblks = levels[lv]!.map((n) => n.lblk);
  }
  const root = new Uint8Array(60);
  header(root, depth === 0 ? exts.length : below.length, 4, depth);
  for (let i = 0; i < (depth === 0 ? exts.length : below.length); i++) {
    if (depth === 0) putExtent(root, i, exts[i]!);
    else putIndex(root, i, childLblks[i]!, below[i]!);
  }
  inode.iblock.set(root);
  inode.iBlocks += (need - list.nodes.length) * (bs / 512);
  list.nodes = nodes;
  for (const b of spare) freeBlocks(sb, b, 1);
  return 0;
}
