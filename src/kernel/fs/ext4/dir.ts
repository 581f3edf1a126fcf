// Directories (Linux's fs/ext4/dir.c): the entries of a directory block
// checked one by one as ext4_check_dir_entry does, leaf-block checksums, and
// readdir, in block order for a linear directory and in hash order for an
// htree directory (ext4_dx_readdir), as Linux returns them.
import type { DirEntry } from '../inode.js';
import { u16, u32, EXT4_INDEX_FL, COMPAT_DIR_INDEX, INCOMPAT_FILETYPE } from './ext4.js';
import { dirBlockCsum } from './csum.js';
import { EFSBADCRC, EFSCORRUPTED } from './super.js';
import type { Ext4Inode } from './inode.js';
import { dirhash } from './hash.js';
import { dxLeaves } from './namei.js';

const decoder = new TextDecoder('latin1');

/** ext4_dir_entry_2 file_type values, mapped to d_type (EXT4_FT_* to DT_*). */
const FT_TO_DT = [0, 8, 4, 2, 6, 1, 12, 10];

export interface RawEntry {
  off: number;
  ino: number;
  recLen: number;
  name: Uint8Array;
  type: number;
}

/** ext4_rec_len_from_disk: 64 KiB blocks store their lengths with two more bits. */
export function recLenFromDisk(v: number, bs: number): number {
  if (bs < 65536) return v;
  if (v === 65535 || v === 0) return bs;
  return (v & 65532) | ((v & 3) << 16);
}

/** EXT4_DIR_REC_LEN: the space an entry with a name of this length needs. */
export const dirRecLen = (nameLen: number) => (nameLen + 8 + 3) & ~3;

/** The 12-byte tail holding a leaf block's checksum (ext4_dir_entry_tail), if this block has one. */
function hasTail(b: Uint8Array): boolean {
  const t = b.length - 12;
  return u32(b, t) === 0 && u16(b, t + 4) === 12 && b[t + 6] === 0 && b[t + 7] === 0xde;
}

/** ext4_dirblock_csum_verify, with Linux's error on a mismatch. 0 or -errno. */
export function verifyLeaf(dir: Ext4Inode, b: Uint8Array, pblk: number): number {
  if (!dir.sb.csum) return 0;
  return dir.sb.verifyOnce(pblk, () =>
    !hasTail(b) || dirBlockCsum(dir.iseed, b) !== u32(b, b.length - 4)
      ? dir.sb.errorInode('__ext4_read_dirblock', 153, dir.ino, pblk, 'Directory block failed checksum', EFSBADCRC)
      : 0,
  );
}

/**
 * The entries of one directory block, each checked as __ext4_check_dir_entry
 * checks it; a bad entry ends the block with EFSCORRUPTED and Linux's error.
 * The checksum tail is not an entry.
 */
export function blockEntries(dir: Ext4Inode, b: Uint8Array, lblk: number): RawEntry[] | number {
  const bs = dir.sb.blockSize;
  const out: RawEntry[] = [];
  const end = dir.sb.csum && hasTail(b) ? bs - 12 : bs;
  const filetype = (dir.sb.g.incompat & INCOMPAT_FILETYPE) !== 0;
  for (let off = 0; off < end;) {
    const ino = u32(b, off);
    const recLen = recLenFromDisk(u16(b, off + 4), bs);
    const nameLen = b[off + 6]!;
    let err = '';
    if (recLen < dirRecLen(1)) err = 'rec_len is smaller than minimal';
    else if (recLen % 4) err = 'rec_len % 4 != 0';
    else if (recLen < dirRecLen(nameLen)) err = 'rec_len is too small for name_len';
    else if (off + recLen > bs) err = 'directory entry overrun';
    else if (ino > dir.sb.g.inodesCount) err = 'inode out of bounds';
    if (err) {
      return dir.sb.errorInode(
        '__ext4_check_dir_entry',
        87,
        dir.ino,
        lblk,
        `bad entry in directory: ${err} - offset=${lblk * bs + off}, inode=${ino}, rec_len=${recLen}, size=${bs} fake=0`,
      );
    }
    if (ino) out.push({ off, ino, recLen, name: b.subarray(off + 8, off + 8 + nameLen), type: filetype ? b[off + 7]! & 7 : 0 });
    off += recLen;
  }
  return out;
}

/** Whether lookups and readdir go through the htree (is_dx_dir). */
export function isDxDir(dir: Ext4Inode): boolean {
  return (dir.sb.g.compat & COMPAT_DIR_INDEX) !== 0 && (dir.diskFlags & EXT4_INDEX_FL) !== 0;
}

function toDirEntry(e: RawEntry): DirEntry {
  return { name: decoder.decode(e.name), ino: e.ino, type: FT_TO_DT[e.type] ?? 0 };
}

/** Entries of a linear directory in block order, without "." and "..". */
function linearReaddir(dir: Ext4Inode): DirEntry[] | number {
  const bs = dir.sb.blockSize;
  const out: DirEntry[] = [];
  // Holes are skipped whole, so the loop runs once per mapped block or hole, never once per block of a huge i_size.
  let step: number;
  for (let lblk = 0; lblk * bs < dir.size; lblk += step) {
    const m = dir.mapBlock(lblk);
    if (typeof m === 'number') return m;
    step = m.pblk === 0 ? m.len : 1; // a hole in a directory: ext4_readdir skips it
    if (m.pblk === 0) continue;
    const b = dir.sb.readBlock(m.pblk);
    if (typeof b === 'number') return b;
    const v = verifyLeaf(dir, b, m.pblk);
    if (v < 0) return v;
    const ents = blockEntries(dir, b, lblk);
    if (typeof ents === 'number') return ents;
    for (const e of ents) if (!isDotOrDotDot(e.name)) out.push(toDirEntry(e));
  }
  return out;
}

const isDotOrDotDot = (n: Uint8Array) => (n.length === 1 && n[0] === 0x2e) || (n.length === 2 && n[0] === 0x2e && n[1] === 0x2e);

/**
 * ext4_readdir. An htree directory returns its entries ordered by (hash,
 * minor hash), the order ext4_htree_fill_tree builds; entries with equal
 * hashes keep their on-disk order. A tree the code cannot follow falls
 * back to block order, as Linux does for ERR_BAD_DX_DIR.
 */
export function ext4Readdir(dir: Ext4Inode): DirEntry[] | number {
  if (!isDxDir(dir)) return linearReaddir(dir);
  const leaves = dxLeaves(dir);
  if (leaves === 'bad') return linearReaddir(dir);
  if (typeof leaves === 'number') return leaves;
  const version = leaves.hashVersion;
  const all: { h: number; m: number; e: DirEntry }[] = [];
  for (const lblk of leaves.blocks) {
    const m = dir.mapBlock(lblk);
    if (typeof m === 'number') return m;
    if (m.pblk === 0) return dir.sb.errorInode('ext4_dx_readdir', 573, dir.ino, 0, `Directory hole found for htree leaf block ${lblk}`, EFSCORRUPTED);
    const b = dir.sb.readBlock(m.pblk);
    if (typeof b === 'number') return b;
    const v = verifyLeaf(dir, b, m.pblk);
    if (v < 0) return v;
    const ents = blockEntries(dir, b, lblk);
    if (typeof ents === 'number') return ents;
    for (const e of ents) {
      if (isDotOrDotDot(e.name)) continue;
      const h = dirhash(e.name, version, dir.sb.g.hashSeed) ?? { hash: 0, minor: 0 };
      all.push({ h: h.hash, m: h.minor, e: toDirEntry(e) });
    }
  }
  // Array.prototype.sort is stable: equal hashes keep their insertion order.
  all.sort((a, b) => a.h - b.h || a.m - b.m);
  return all.map((x) => x.e);
}
