// metadata_csum (Linux's ext4_chksum and the *_csum_verify helpers spread
// over fs/ext4): every metadata block carries a crc32c seeded from the file
// system's UUID (or s_checksum_seed), and for per-inode metadata also from
// the inode's number and generation. Group descriptors use the low 16 bits
// of that crc32c, or crc16 under the older gdt_csum feature.
import { crc32c, crc32cU32 } from '../../lib/crc32c.js';
import { crc16 } from '../../lib/crc16.js';

/** s_csum_seed: crc32c(~0, uuid), unless the csum_seed feature stored one. */
export function csumSeed(uuid: Uint8Array, stored: number | null): number {
  return stored ?? crc32c(0xffffffff, uuid);
}

/** ext4_superblock_csum: over the 1020 bytes before s_checksum. */
export function superblockCsum(sb: Uint8Array): number {
  return crc32c(0xffffffff, sb.subarray(0, 0x3fc));
}

/** A copy with the bytes [off, off+len) zeroed: how a checksum field is left out of its own sum. */
function zeroed(b: Uint8Array, ...fields: [number, number][]): Uint8Array {
  const c = b.slice();
  for (const [off, len] of fields) c.fill(0, off, off + len);
  return c;
}

/** ext4_group_desc_csum: the descriptor with bg_checksum (at 0x1e) left out. */
export function groupDescCsum(seed: number, uuid: Uint8Array, metadataCsum: boolean, group: number, desc: Uint8Array): number {
  const d = zeroed(desc, [0x1e, 2]);
  if (metadataCsum) return crc32c(crc32cU32(seed, group), d) & 0xffff;
  const le = new Uint8Array([group & 0xff, (group >>> 8) & 0xff, (group >>> 16) & 0xff, group >>> 24]);
  // crc16 over the UUID, the group number and the descriptor around bg_checksum (the tail only when 64bit made it longer).
  const c = crc16(crc16(crc16(0xffff, uuid), le), d.subarray(0, 0x1e));
  return desc.length > 0x20 ? crc16(c, d.subarray(0x20)) : c;
}

/** ei->i_csum_seed: the fs seed, then the inode number, then its generation. */
export function inodeSeed(seed: number, ino: number, generation: number): number {
  return crc32cU32(crc32cU32(seed, ino), generation);
}

/**
 * ext4_inode_csum over the whole on-disk inode, with i_checksum_lo (0x7c) and,
 * when the extra fields reach it, i_checksum_hi (0x82) left out. Returns the
 * value and how many bits of it are stored (16 or 32).
 */
export function inodeCsum(iseed: number, raw: Uint8Array, hasHi: boolean): { csum: number; bits: number } {
  const c = crc32c(iseed, hasHi ? zeroed(raw, [0x7c, 2], [0x82, 2]) : zeroed(raw, [0x7c, 2]));
  return hasHi ? { csum: c, bits: 32 } : { csum: c & 0xffff, bits: 16 };
}

/** The stored inode checksum, in as many bits as the inode has room for. */
export function inodeStoredCsum(raw: Uint8Array, hasHi: boolean): number {
  const lo = raw[0x7c]! | (raw[0x7d]! << 8);
  return hasHi ? (lo | ((raw[0x82]! | (raw[0x83]! << 8)) << 16)) >>> 0 : lo;
}

/** ext4_extent_block_csum: the block up to the tail that follows eh_max entries. */
export function extentBlockCsum(iseed: number, block: Uint8Array, tailOff: number): number {
  return crc32c(iseed, block.subarray(0, tailOff));
}

/** ext4_dirblock_csum: a leaf block up to its 12-byte tail. */
export function dirBlockCsum(iseed: number, block: Uint8Array): number {
  return crc32c(iseed, block.subarray(0, block.length - 12));
}

/** ext4_dx_csum: the node's header and used entries, then the tail with its checksum word as zeros. */
export function dxCsum(iseed: number, block: Uint8Array, countOff: number, count: number, tailOff: number): number {
  const c = crc32c(iseed, block.subarray(0, countOff + count * 8));
  return crc32c(c, zeroed(block.subarray(tailOff, tailOff + 8), [4, 4]));
}

/** ext4_xattr_block_csum: the 64-bit block number, then the block with h_checksum (0x10) left out. */
export function xattrBlockCsum(seed: number, blockNr: number, block: Uint8Array): number {
  const le = new Uint8Array(8);
  new DataView(le.buffer).setBigUint64(0, BigInt(blockNr), true);
  return crc32c(crc32c(seed, le), zeroed(block, [0x10, 4]));
}

/** ext4_bitmap_csum: the bitmap's first `bytes` bytes (inodes or clusters per group, over 8). */
export function bitmapCsum(seed: number, bitmap: Uint8Array, bytes: number): number {
  return crc32c(seed, bitmap.subarray(0, bytes));
}
