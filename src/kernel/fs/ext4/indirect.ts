// Block maps of ext2 and ext3 files (Linux's fs/ext4/indirect.c, the lookup
// half): twelve direct block numbers in i_block, then one single, one double
// and one triple indirect block, each a block full of 32-bit block numbers.
// A zero anywhere on the path is a hole.
import { u32 } from './ext4.js';
import type { Ext4Super } from './super.js';
import type { Hole, Mapping } from './extents.js';

const DIRECT = 12;

/** ext4_ind_map_blocks for reading: the physical block of lblk, one block at a time. */
export function indMapBlock(sb: Ext4Super, ino: number, iblock: Uint8Array, lblk: number): Mapping | Hole | number {
  const per = sb.blockSize / 4;
  let slot: number, levels: number, rest: number;
  if (lblk < DIRECT) [slot, levels, rest] = [lblk, 0, 0];
  else if (lblk < DIRECT + per) [slot, levels, rest] = [12, 1, lblk - DIRECT];
  else if (lblk < DIRECT + per + per * per) [slot, levels, rest] = [13, 2, lblk - DIRECT - per];
  else if (lblk < DIRECT + per + per * per + per * per * per) [slot, levels, rest] = [14, 3, lblk - DIRECT - per - per * per];
  else return { pblk: 0, len: Infinity, unwritten: false };
  let b = u32(iblock, slot * 4);
  for (let l = levels - 1; l >= 0; l--) {
    // A missing pointer at this level is a hole over everything it would have mapped.
    const span = per ** (l + 1);
    if (b === 0) return { pblk: 0, len: span - (rest % span), unwritten: false };
    const blk = sb.readBlock(b);
    if (typeof blk === 'number') return sb.errorInode('ext4_ind_map_blocks', 538, ino, b, `invalid block reference ${b}`);
    const idx = Math.floor(rest / per ** l) % per;
    b = u32(blk, idx * 4);
  }
  if (b === 0) return { pblk: 0, len: 1, unwritten: false };
  if (b < sb.g.firstDataBlock || b >= sb.g.blocksCount) return sb.errorInode('ext4_ind_map_blocks', 538, ino, 0, `invalid block reference ${b}`);
  return { pblk: b, len: 1, unwritten: false };
}
