// Block groups and their descriptors (Linux's fs/ext4/balloc.c and the
// descriptor half of super.c): where each group's descriptor lives (after the
// superblock, or per meta group with meta_bg), which groups carry a backup
// superblock (sparse_super), and the fields of a descriptor in its 32-byte
// or 64-byte form.
import { u16, u32, RO_COMPAT_SPARSE_SUPER, INCOMPAT_META_BG } from './ext4.js';

export interface GroupDesc {
  blockBitmap: number;
  inodeBitmap: number;
  inodeTable: number;
  freeBlocks: number;
  freeInodes: number;
  usedDirs: number;
  flags: number;
  itableUnused: number;
  checksum: number;
}

/** bg_flags */
export const EXT4_BG_INODE_UNINIT = 0x1,
  EXT4_BG_BLOCK_UNINIT = 0x2,
  EXT4_BG_INODE_ZEROED = 0x4;

/** A descriptor's fields; the high halves count only when the descriptor is 64 bytes (64bit). */
export function parseGroupDesc(d: Uint8Array): GroupDesc {
  const wide = d.length >= 64;
  const hi32 = (o: number) => (wide ? u32(d, o) * 2 ** 32 : 0);
  const hi16 = (o: number) => (wide ? u16(d, o) * 65536 : 0);
  return {
    blockBitmap: u32(d, 0x0) + hi32(0x20),
    inodeBitmap: u32(d, 0x4) + hi32(0x24),
    inodeTable: u32(d, 0x8) + hi32(0x28),
    freeBlocks: u16(d, 0xc) + hi16(0x2c),
    freeInodes: u16(d, 0xe) + hi16(0x2e),
    usedDirs: u16(d, 0x10) + hi16(0x30),
    flags: u16(d, 0x12),
    itableUnused: u16(d, 0x1c) + hi16(0x32),
    checksum: u16(d, 0x1e),
  };
}

function isPowerOf(n: number, base: number): boolean {
  let x = base;
  while (x < n) x *= base;
  return x === n;
}

/** ext4_bg_has_super: every group without sparse_super; with it, groups 0, 1 and the powers of 3, 5 and 7. */
export function groupHasSuper(roCompat: number, group: number): boolean {
  if (group === 0) return true;
  if (!(roCompat & RO_COMPAT_SPARSE_SUPER)) return true;
  if (group === 1) return true;
  return isPowerOf(group, 3) || isPowerOf(group, 5) || isPowerOf(group, 7);
}

export interface Geometry {
  firstDataBlock: number;
  blocksPerGroup: number;
  descPerBlock: number;
  incompat: number;
  roCompat: number;
  firstMetaBg: number;
}

/**
 * descriptor_loc: the block holding descriptor block `nr`. Without meta_bg
 * (or below s_first_meta_bg) the descriptor blocks follow the superblock;
 * after it, meta group nr keeps its block in its first group, after that
 * group's backup superblock if it has one.
 */
export function descriptorLoc(g: Geometry, nr: number): number {
  if (!(g.incompat & INCOMPAT_META_BG) || nr < g.firstMetaBg) return g.firstDataBlock + 1 + nr;
  const bg = g.descPerBlock * nr;
  return g.firstDataBlock + bg * g.blocksPerGroup + (groupHasSuper(g.roCompat, bg) ? 1 : 0);
}

/** ext4_bg_num_gdb: descriptor blocks stored in a group (for the overhead statfs leaves out). */
export function groupNumGdb(g: Geometry, gdbCount: number, group: number): number {
  if (!(g.incompat & INCOMPAT_META_BG) || group < g.firstMetaBg * g.descPerBlock)
    return groupHasSuper(g.roCompat, group) ? (g.incompat & INCOMPAT_META_BG ? g.firstMetaBg : gdbCount) : 0;
  const inMeta = group % g.descPerBlock;
  return inMeta === 0 || inMeta === 1 || inMeta === g.descPerBlock - 1 ? 1 : 0;
}
