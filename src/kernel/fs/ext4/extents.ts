// Extent trees (Linux's fs/ext4/extents.c, the lookup half): a file's
// logical blocks map to runs of physical blocks through a tree whose root
// is the inode's i_block and whose other nodes are whole blocks. Every node
// is checked before use (__ext4_ext_check: magic, depth, entry counts, and
// the checksum in the tail of a block node), so a corrupt tree ends in
// EFSCORRUPTED with an EXT4-fs error, never in a wrong read or a loop.
import { u16, u32 } from './ext4.js';
import { extentBlockCsum } from './csum.js';
import type { Ext4Super } from './super.js';
import { EFSBADCRC } from './super.js';

export const EXT4_EXT_MAGIC = 0xf30a;
/** EXT4_MAX_EXTENT_DEPTH: deeper trees cannot be addressed with 32-bit logical blocks. */
const MAX_DEPTH = 5;
/** EXT_INIT_MAX_LEN: ee_len above it marks an unwritten (preallocated) extent. */
const EXT_INIT_MAX_LEN = 32768;

/** A mapped run: physical block of lblk, blocks left in the run from lblk, and whether it reads as zeros. */
export interface Mapping {
  pblk: number;
  len: number;
  unwritten: boolean;
}

/** A hole: len blocks from lblk that no extent covers (Infinity past the last extent). */
export interface Hole {
  pblk: 0;
  len: number;
  unwritten: false;
}

export interface ExtentOwner {
  readonly sb: Ext4Super;
  readonly ino: number;
  /** i_csum_seed, for the checksums of the tree's block nodes. */
  readonly iseed: number;
}

/**
 * ext4_valid_extent_entries: the entries of a node in increasing logical
 * order without overlap, each extent non-empty and inside the file system,
 * each index pointing inside it. What makes every lookup below terminate.
 */
function validEntries(o: ExtentOwner, node: Uint8Array, entries: number, depth: number): boolean {
  const g = o.sb.g;
  let next = 0;
  for (let i = 0; i < entries; i++) {
    const e = 12 + i * 12;
    const first = u32(node, e);
    if (i > 0 && first < next) return false;
    if (depth === 0) {
      const raw = u16(node, e + 4);
      const len = raw > EXT_INIT_MAX_LEN ? raw - EXT_INIT_MAX_LEN : raw;
      const start = u16(node, e + 6) * 2 ** 32 + u32(node, e + 8);
      if (len === 0 || start < g.firstDataBlock || start + len > g.blocksCount) return false;
      next = first + len;
    } else {
      const leaf = u32(node, e + 4) + u16(node, e + 8) * 2 ** 32;
      if (leaf < g.firstDataBlock || leaf >= g.blocksCount) return false;
      next = first + 1;
    }
  }
  return true;
}

interface Header {
  entries: number;
  max: number;
  depth: number;
}

/** __ext4_ext_check: the header of a node, with the limits its place in the tree allows. */
function checkHeader(o: ExtentOwner, node: Uint8Array, depth: number, pblk: number): Header | number {
  const magic = u16(node, 0),
    entries = u16(node, 2),
    max = u16(node, 4),
    d = u16(node, 6);
  const room = Math.floor((node.length - 12) / 12);
  let err = '';
  if (magic !== EXT4_EXT_MAGIC) err = 'invalid magic';
  else if (d !== depth) err = 'unexpected eh_depth';
  else if (max === 0 || max > room) err = 'invalid eh_max';
  else if (entries > max) err = 'invalid eh_entries';
  else if (depth > MAX_DEPTH) err = 'too large eh_depth';
  else if (!validEntries(o, node, entries, d)) err = 'invalid extent entries';
  if (err) {
    return o.sb.errorInode(
      '__ext4_ext_check',
      541,
      o.ino,
      pblk,
      `pblk ${pblk} bad header/extent: ${err} - magic ${magic.toString(16)}, entries ${entries}, max ${max}(${room}), depth ${d}(${depth})`,
    );
  }
  if (pblk && o.sb.csum) {
    const v = o.sb.verifyOnce(pblk, () => {
      const tail = 12 + 12 * max;
      if (tail + 4 <= node.length && extentBlockCsum(o.iseed, node, tail) === u32(node, tail)) return 0;
      const text = `pblk ${pblk} bad header/extent: extent tree corrupted - magic ${magic.toString(16)}, entries ${entries}, max ${max}(${room}), depth ${d}(${depth})`;
      return o.sb.errorInode('__ext4_ext_check', 541, o.ino, pblk, text, EFSBADCRC);
    });
    if (v < 0) return v;
  }
  return { entries, max, depth: d };
}

/** The depth recorded in the inode's root, checked (the caller of ext4_ext_check_inode). */
export function extentRootCheck(o: ExtentOwner, iblock: Uint8Array): number {
  const d = u16(iblock, 6);
  const h = checkHeader(o, iblock, d, 0);
  return typeof h === 'number' ? h : 0;
}

/**
 * ext4_ext_map_blocks for reading: find the extent covering lblk by
 * descending from the root, one binary search per level. A run ends at
 * its extent's end; a hole ends at the next extent's start.
 */
export function extMapBlock(o: ExtentOwner, iblock: Uint8Array, lblk: number): Mapping | Hole | number {
  let node = iblock;
  let pblk = 0;
  let depth = u16(iblock, 6);
  /** The first logical block after this subtree, from the index entry above it. */
  let nextStart = Infinity;
  for (let level = 0; ; level++) {
    if (level > MAX_DEPTH) return o.sb.errorInode('ext4_find_extent', 905, o.ino, pblk, `inode has invalid extent depth: ${depth}`);
    const h = checkHeader(o, node, depth, pblk);
    if (typeof h === 'number') return h;
    // The last entry whose first block is <= lblk.
    let lo = 0,
      hi = h.entries - 1,
      at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (u32(node, 12 + mid * 12) <= lblk) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at + 1 < h.entries) nextStart = Math.min(nextStart, u32(node, 12 + (at + 1) * 12));
    if (h.depth === 0) {
      if (at < 0) return { pblk: 0, len: nextStart - lblk, unwritten: false };
      const e = 12 + at * 12;
      const first = u32(node, e);
      const rawLen = u16(node, e + 4);
      const unwritten = rawLen > EXT_INIT_MAX_LEN;
      const len = unwritten ? rawLen - EXT_INIT_MAX_LEN : rawLen;
      const start = u16(node, e + 6) * 2 ** 32 + u32(node, e + 8);
      if (lblk >= first + len) return { pblk: 0, len: nextStart - lblk, unwritten: false };
      const p = start + (lblk - first);
      if (len === 0 || start < o.sb.g.firstDataBlock || start + len > o.sb.g.blocksCount) {
        return o.sb.errorInode('ext4_ext_map_blocks', 4300, o.ino, 0, `bad extent address lblock: ${first}, depth: ${depth} pblock ${start}`);
      }
      return { pblk: p, len: first + len - lblk, unwritten };
    }
    if (at < 0) return { pblk: 0, len: nextStart - lblk, unwritten: false };
    const e = 12 + at * 12;
    const child = u32(node, e + 4) + u16(node, e + 8) * 2 ** 32;
    const blk = o.sb.readBlock(child);
    if (typeof blk === 'number')
      return o.sb.errorInode(
        '__ext4_ext_check',
        541,
        o.ino,
        child,
        `pblk ${child} bad header/extent: invalid extent entries - magic 0, entries 0, max 0(0), depth 0(0)`,
      );
    node = blk;
    pblk = child;
    depth = h.depth - 1;
  }
}
