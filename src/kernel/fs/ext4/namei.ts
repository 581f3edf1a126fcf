// Name lookup in a directory (Linux's fs/ext4/namei.c, the reading half):
// a linear scan of every block, or for an htree directory dx_probe down the
// index to the one leaf block whose hash range holds the name, following
// on to the next leaf when a hash collision continues there. The index
// blocks are checked (limits, counts, depth, checksum) before they are used.
import { KERN_WARNING } from '../../printk.js';
import { u16, u32, INCOMPAT_LARGEDIR } from './ext4.js';
import { dxCsum } from './csum.js';
import { EFSBADCRC, EFSCORRUPTED } from './super.js';
import { ext4Iget, validInum, type Ext4Inode } from './inode.js';
import { blockEntries, isDxDir, verifyLeaf } from './dir.js';
import { DX_HASH_HALF_MD4, DX_HASH_LEGACY, DX_HASH_SIPHASH, DX_HASH_TEA, dirhash } from './hash.js';

/**
 * The bytes a name string stands for. Names cross the VFS as strings decoded
 * with TextDecoder('latin1') (namei.ts's pathString), which is windows-1252:
 * bytes 0x80-0x9f may decode to other code points, so the reverse map is
 * built from the decoder itself.
 */
const REVERSE = (() => {
  const m = new Map<number, number>();
  const d = new TextDecoder('latin1');
  for (let b = 0; b < 256; b++) m.set(d.decode(new Uint8Array([b])).charCodeAt(0), b);
  return m;
})();

export function nameBytes(name: string): Uint8Array {
  const out = new Uint8Array(name.length);
  for (let i = 0; i < name.length; i++) out[i] = REVERSE.get(name.charCodeAt(i)) ?? 0x3f;
  return out;
}

/** ext4_warning_inode: "EXT4-fs warning (device sdz): fn:line: inode #N: comm C: ..." */
function warnInode(dir: Ext4Inode, fn: string, line: number, text: string): void {
  dir.sb.host.printk(KERN_WARNING, `EXT4-fs warning (device ${dir.sb.id}): ${fn}:${line}: inode #${dir.ino}: comm ${dir.sb.host.comm()}: ${text}`);
}

interface Frame {
  block: Uint8Array;
  /** Offset of the countlimit header (the first entry). */
  entries: number;
  count: number;
  at: number;
}

/** ERR_BAD_DX_DIR: the index cannot be used; callers fall back to a linear scan. */
type BadDx = 'bad';

/** Reads an index block (root or node) and checks its checksum (ext4_dx_csum_verify). */
function readIndex(dir: Ext4Inode, lblk: number, countOff: number): Uint8Array | number {
  const m = dir.mapBlock(lblk);
  if (typeof m === 'number') return m;
  if (m.pblk === 0) return dir.sb.errorInode('__ext4_read_dirblock', 141, dir.ino, 0, `Directory hole found for htree index block ${lblk}`, EFSCORRUPTED);
  const b = dir.sb.readBlock(m.pblk);
  if (typeof b === 'number') return b;
  if (dir.sb.csum) {
    const v = dir.sb.verifyOnce(m.pblk, () => {
      const limit = u16(b, countOff),
        count = u16(b, countOff + 2);
      const tail = countOff + limit * 8;
      if (count > limit || tail + 8 > b.length || dxCsum(dir.iseed, b, countOff, count, tail) !== u32(b, tail + 4)) {
        return dir.sb.errorInode('__ext4_read_dirblock', 176, dir.ino, m.pblk, 'Directory index failed checksum', EFSBADCRC);
      }
      return 0;
    });
    if (v < 0) return v;
  }
  return b;
}

interface Root {
  hashVersion: number;
  levels: number;
  root: Uint8Array;
}

/** The root block's dx_root_info, checked as dx_probe checks it. */
export function readRoot(dir: Ext4Inode): Root | number | BadDx {
  const b = readIndex(dir, 0, 0x18 + 8);
  if (typeof b === 'number') return b;
  let version = b[0x1c]!;
  const infoLen = b[0x1d]!,
    levels = b[0x1e]!,
    flags = b[0x1f]!;
  if (version !== DX_HASH_TEA && version !== DX_HASH_HALF_MD4 && version !== DX_HASH_LEGACY && version !== DX_HASH_SIPHASH) {
    warnInode(dir, 'dx_probe', 798, `Unrecognised inode hash code ${version}`);
    return 'bad';
  }
  if (version === DX_HASH_SIPHASH) {
    // SipHash is for casefolded directories, a feature this kernel refuses at mount.
    warnInode(dir, 'dx_probe', 798, `Unrecognised inode hash code ${version}`);
    return 'bad';
  }
  if (version <= DX_HASH_TEA) version += dir.sb.g.hashUnsigned;
  if (flags & 1) {
    warnInode(dir, 'dx_probe', 817, `Unimplemented hash flags: ${'0x' + flags.toString(16).padStart(4, '0')}`);
    return 'bad';
  }
  const maxLevels = dir.sb.g.incompat & INCOMPAT_LARGEDIR ? 3 : 2;
  if (levels >= maxLevels) {
    dir.sb.host.printk(
      KERN_WARNING,
      `EXT4-fs warning (device ${dir.sb.id}): dx_probe:824: Directory (ino: ${dir.ino}) htree depth 0x${levels.toString(16).padStart(4, '0')} exceed supported value`,
    );
    return 'bad';
  }
  const rootLimit = Math.floor((dir.sb.blockSize - 24 - infoLen - (dir.sb.csum ? 8 : 0)) / 8);
  if (infoLen !== 8 || u16(b, 0x20) !== rootLimit) {
    warnInode(dir, 'dx_probe', 833, `dx entry: limit ${u16(b, 0x18 + infoLen)} != root limit ${rootLimit}`);
    return 'bad';
  }
  return { hashVersion: version, levels, root: b };
}

const nodeLimit = (dir: Ext4Inode) => Math.floor((dir.sb.blockSize - 8 - (dir.sb.csum ? 8 : 0)) / 8);

/**
 * dx_probe: the path of index frames from the root to the leaf for hash
 * (each frame's `at` is the entry followed), or -errno, or 'bad'.
 */
export function dxProbe(dir: Ext4Inode, r: Root, hash: number): Frame[] | number | BadDx {
  const frames: Frame[] = [];
  let block = r.root,
    entries = 0x20;
  const seen = [0];
  for (let level = 0; ; level++) {
    const limit = u16(block, entries),
      count = u16(block, entries + 2);
    if (count === 0 || count > limit) {
      warnInode(dir, 'dx_probe', 850, `dx entry: count ${count} beyond limit ${limit}`);
      return 'bad';
    }
    // The last entry whose hash is <= hash; entry 0 has an implicit hash of 0.
    let p = 1,
      q = count - 1;
    while (p <= q) {
      const m = (p + q) >> 1;
      if (u32(block, entries + m * 8) > hash) q = m - 1;
      else p = m + 1;
    }
    const at = p - 1;
    frames.push({ block, entries, count, at });
    if (level >= r.levels) return frames;
    const child = u32(block, entries + at * 8 + 4) & 0x0fffffff;
    if (seen.includes(child)) {
      warnInode(dir, 'dx_probe', 870, `dx entry: tree cycle block ${child} points back to block ${seen[seen.length - 1]}`);
      return 'bad';
    }
    seen.push(child);
    const nb = readIndex(dir, child, 8);
    if (typeof nb === 'number') return nb;
    if (u16(nb, 8) !== nodeLimit(dir)) {
      warnInode(dir, 'dx_probe', 885, `dx entry: limit ${u16(nb, 8)} != node limit ${nodeLimit(dir)}`);
      return 'bad';
    }
    block = nb;
    entries = 8;
  }
}

/** The leaf block a frame path ends in. */
export const leafOf = (frames: Frame[]) => {
  const f = frames[frames.length - 1]!;
  return u32(f.block, f.entries + f.at * 8 + 4) & 0x0fffffff;
};

/**
 * ext4_htree_next_block: step to the next leaf when the next entry's hash
 * continues this one (a collision that spilled over: low bit set). Returns
 * false when the name cannot be further on.
 */
function nextBlock(dir: Ext4Inode, frames: Frame[], hash: number): boolean | number {
  let i = frames.length - 1;
  while (i >= 0 && frames[i]!.at + 1 >= frames[i]!.count) i--;
  if (i < 0) return false;
  const f = frames[i]!;
  f.at++;
  const bhash = u32(f.block, f.entries + f.at * 8);
  if ((bhash & 1) === 0 || (bhash & ~1) >>> 0 !== hash) return false;
  // Down the leftmost path of the subtree to the next leaf (at most two levels: readRoot checked the depth).
  frames.length = i + 1;
  const levels = levelsOf(frames);
  while (frames.length - 1 < levels) {
    const top = frames[frames.length - 1]!;
    const child = u32(top.block, top.entries + top.at * 8 + 4) & 0x0fffffff;
    const nb = readIndex(dir, child, 8);
    if (typeof nb === 'number') return nb;
    const count = u16(nb, 10);
    if (count === 0 || count > u16(nb, 8)) return false;
    frames.push({ block: nb, entries: 8, count, at: 0 });
  }
  return true;
}

/** The index depth, kept on the root frame's block (dx_root_info.indirect_levels). */
const levelsOf = (frames: Frame[]) => frames[0]!.block[0x1e]!;

/** Searches one leaf block for name; the entry's inode number, 0 if absent, or -errno. */
function searchLeaf(dir: Ext4Inode, lblk: number, name: Uint8Array): number {
  const m = dir.mapBlock(lblk);
  if (typeof m === 'number') return m;
  if (m.pblk === 0) return 0;
  const b = dir.sb.readBlock(m.pblk);
  if (typeof b === 'number') return b;
  const v = verifyLeaf(dir, b, m.pblk);
  if (v < 0) return v;
  const ents = blockEntries(dir, b, lblk);
  if (typeof ents === 'number') return ents;
  for (const e of ents) if (e.name.length === name.length && e.name.every((c, i) => c === name[i])) return e.ino;
  return 0;
}

/** ext4_dx_find_entry: the inode number for name, 0 if absent, -errno, or 'bad' to fall back. */
function dxFind(dir: Ext4Inode, name: Uint8Array): number | BadDx {
  const r = readRoot(dir);
  if (r === 'bad' || typeof r === 'number') return r;
  const h = dirhash(name, r.hashVersion, dir.sb.g.hashSeed);
  if (!h) return 'bad';
  const frames = dxProbe(dir, r, h.hash);
  if (frames === 'bad' || typeof frames === 'number') return frames;
  for (let guard = 0; guard < 1 << 16; guard++) {
    const found = searchLeaf(dir, leafOf(frames), name);
    if (found !== 0) return found;
    const more = nextBlock(dir, frames, h.hash);
    if (typeof more === 'number') return more;
    if (!more) return 0;
  }
  return 0;
}

/** The linear search (search_dirblock over every block). */
function linearFind(dir: Ext4Inode, name: Uint8Array): number {
  const bs = dir.sb.blockSize;
  // Holes are skipped whole, so the loop runs once per mapped block or hole, never once per block of a huge i_size.
  let step: number;
  for (let lblk = 0; lblk * bs < dir.size; lblk += step) {
    const m = dir.mapBlock(lblk);
    if (typeof m === 'number') return m;
    step = m.pblk === 0 ? m.len : 1;
    if (m.pblk === 0) continue;
    const r = searchLeaf(dir, lblk, name);
    if (r !== 0) return r;
  }
  return 0;
}

/** ext4_lookup: the inode a name in dir stands for, null if there is none, or -errno. */
export function ext4Lookup(dir: Ext4Inode, name: string): Ext4Inode | null | number {
  if (name.length > 255) return null;
  const bytes = nameBytes(name);
  let ino = isDxDir(dir) ? dxFind(dir, bytes) : linearFind(dir, bytes);
  if (ino === 'bad') ino = linearFind(dir, bytes);
  if (ino < 0) return ino;
  if (ino === 0) return null;
  if (!validInum(dir.sb, ino)) return dir.sb.errorInode('ext4_lookup', 1812, dir.ino, 0, `bad inode number: ${ino}`);
  const inode = ext4Iget(dir.sb, ino);
  if (typeof inode === 'number') return inode;
  return inode;
}

/** The leaf blocks of an htree directory, in index order (for readdir), with the hash to order entries by. */
export function dxLeaves(dir: Ext4Inode): { blocks: number[]; hashVersion: number } | number | BadDx {
  const r = readRoot(dir);
  if (r === 'bad' || typeof r === 'number') return r;
  const blocks: number[] = [];
  const seen = new Set<number>([0]);
  const dirBlocks = Math.ceil(dir.size / dir.sb.blockSize);
  const walk = (block: Uint8Array, entries: number, level: number): number | BadDx => {
    const count = u16(block, entries + 2);
    if (count === 0 || count > u16(block, entries)) return 'bad';
    for (let i = 0; i < count; i++) {
      const child = u32(block, entries + i * 8 + 4) & 0x0fffffff;
      // Every block is used once, and lies within the directory: the walk is bounded by its size.
      if (child >= dirBlocks || seen.has(child)) return 'bad';
      seen.add(child);
      if (level >= r.levels) {
        blocks.push(child);
        continue;
      }
      const nb = readIndex(dir, child, 8);
      if (typeof nb === 'number') return nb;
      if (u16(nb, 8) !== nodeLimit(dir)) return 'bad';
      const w = walk(nb, 8, level + 1);
      if (w !== 0) return w;
    }
    return 0;
  };
  const w = walk(r.root, 0x20, 0);
  if (w !== 0) return w;
  return { blocks, hashVersion: r.hashVersion };
}
