// Block allocation (Linux's fs/ext4/mballoc.c, reduced to what a simple
// allocator needs): a run of free blocks is found in the block bitmap of
// the goal's group first (the inode's group, or the block after the file's
// last one), then in the groups after it; the bitmap, its checksum in the
// descriptor, the descriptor's free count and its checksum are written
// before the caller records the blocks in a file, so a crash leaks blocks
// rather than sharing them. Freeing reverses the same steps.
//
// Groups still marked BLOCK_UNINIT are not allocated from: their bitmap is
// not on disk yet (ext4_init_block_bitmap would compute it), so this
// allocator leaves them to e2fsck or Linux. mke2fs marks only groups
// without any block in use that way.
import { ENOSPC } from '../../errno.js';
import { INCOMPAT_EXTENTS, w16 } from './ext4.js';
import { bitmapCsum } from './csum.js';
import { EXT4_BG_BLOCK_UNINIT } from './balloc.js';
import { EFSCORRUPTED, type Ext4Super } from './super.js';

const bit = (b: Uint8Array, i: number) => (b[i >> 3]! >> (i & 7)) & 1;
const setBit = (b: Uint8Array, i: number) => void (b[i >> 3]! |= 1 << (i & 7));
const clearBit = (b: Uint8Array, i: number) => void (b[i >> 3]! &= ~(1 << (i & 7)));

/** The blocks group grp spans (the last group may be short). */
function groupBlocks(sb: Ext4Super, grp: number): number {
  const g = sb.g;
  return Math.min(g.blocksPerGroup, g.blocksCount - g.firstDataBlock - grp * g.blocksPerGroup);
}

/** ext4_block_bitmap_csum_set: the bitmap's crc32c in the descriptor (lo at 0x18, hi at 0x38 in a 64-byte one). */
function blockBitmapCsumPatch(sb: Ext4Super, bitmap: Uint8Array): ((raw: Uint8Array) => void) | undefined {
  if (!sb.csum) return undefined;
  const c = bitmapCsum(sb.seed, bitmap, sb.g.blocksPerGroup / 8);
  return (raw) => {
    w16(raw, 0x18, c & 0xffff);
    if (sb.g.descSize >= 64) w16(raw, 0x38, c >>> 16);
  };
}

/** ext4_has_free_clusters: ext4 keeps 2% (at most 4096 blocks) back even from root (s_resv_clusters). */
function reserved(sb: Ext4Super): number {
  return sb.g.incompat & INCOMPAT_EXTENTS ? Math.min(Math.floor(sb.g.blocksCount / 50), 4096) : 0;
}

export interface Run {
  start: number;
  len: number;
}

/**
 * ext4_mb_new_blocks: up to `count` contiguous blocks, at `goal` if it is
 * free, else the first free run after it (wrapping through the groups).
 * Returns the run or -errno (-ENOSPC when nothing is left).
 */
export function newBlocks(sb: Ext4Super, goal: number, count: number): Run | number {
  const g = sb.g;
  let free = 0;
  for (const d of sb.groups) free += d.freeBlocks;
  if (free - reserved(sb) < 1) return -ENOSPC;
  count = Math.max(1, Math.min(count, free - reserved(sb), g.blocksPerGroup));
  if (!(goal >= g.firstDataBlock && goal < g.blocksCount)) goal = g.firstDataBlock;
  const goalGrp = Math.floor((goal - g.firstDataBlock) / g.blocksPerGroup);
  for (let n = 0; n <= g.groupCount; n++) {
    const grp = (goalGrp + n) % g.groupCount;
    const d = sb.groups[grp]!;
    if (d.freeBlocks === 0 || d.flags & EXT4_BG_BLOCK_UNINIT) continue;
    const bm = sb.blockCopy(d.blockBitmap);
    if (typeof bm === 'number') return bm;
    const span = groupBlocks(sb, grp);
    const from = n === 0 ? goal - g.firstDataBlock - grp * g.blocksPerGroup : 0;
    let at = -1;
    for (let i = from; i < span; i++)
      if (!bit(bm, i)) {
        at = i;
        break;
      }
    if (at < 0 && from > 0)
      for (let i = 0; i < from; i++)
        if (!bit(bm, i)) {
          at = i;
          break;
        }
    if (at < 0) continue;
    let len = 0;
    while (len < count && at + len < span && !bit(bm, at + len)) setBit(bm, at + len++);
    if (len > d.freeBlocks) return sb.errorInode('ext4_mb_new_blocks', 1, 0, d.blockBitmap, `group ${grp}: free count ${d.freeBlocks} below the bitmap's`);
    const w = sb.writeBlock(d.blockBitmap, bm);
    if (w < 0) return w;
    d.freeBlocks -= len;
    const r = sb.writeDesc(grp, blockBitmapCsumPatch(sb, bm));
    if (r < 0) return r;
    return { start: g.firstDataBlock + grp * g.blocksPerGroup + at, len };
  }
  return -ENOSPC;
}

/**
 * ext4_free_blocks: the run [start, start+len) back to the bitmaps (it may
 * cross groups). A block already free, or one outside the data area, is
 * corruption (Linux's "bit already cleared"): reported, the rest freed.
 */
export function freeBlocks(sb: Ext4Super, start: number, len: number): number {
  const g = sb.g;
  if (!(start >= g.firstDataBlock && start + len <= g.blocksCount && len > 0)) {
    return sb.errorInode('ext4_free_blocks', 6357, 0, start, `freeing blocks not in datazone - block = ${start}, count = ${len}`);
  }
  let err = 0;
  while (len > 0) {
    const grp = Math.floor((start - g.firstDataBlock) / g.blocksPerGroup);
    const at = start - g.firstDataBlock - grp * g.blocksPerGroup;
    const n = Math.min(len, groupBlocks(sb, grp) - at);
    const d = sb.groups[grp]!;
    const bm = sb.blockCopy(d.blockBitmap);
    if (typeof bm === 'number') return bm;
    let freed = 0;
    for (let i = at; i < at + n; i++) {
      if (bit(bm, i)) {
        clearBit(bm, i);
        freed++;
      } else err = -EFSCORRUPTED;
    }
    if (err) sb.host.printk(2, `EXT4-fs error (device ${sb.id}): ext4_mb_release_group_pa: group ${grp}: bit already cleared for block ${start}`);
    const w = sb.writeBlock(d.blockBitmap, bm);
    if (w < 0) return w;
    d.freeBlocks += freed;
    const r = sb.writeDesc(grp, blockBitmapCsumPatch(sb, bm));
    if (r < 0) return r;
    start += n;
    len -= n;
  }
  return err;
}

export { bit, setBit, clearBit };
