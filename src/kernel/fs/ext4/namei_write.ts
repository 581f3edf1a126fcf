// Directory changes (Linux's fs/ext4/namei.c, the writing half): new
// inodes (__ext4_new_inode), entries added where a block has room
// (add_dirent_to_buf) or in a new block at the end, entries removed by
// folding them into the entry before (ext4_generic_delete_entry), and the
// operations built on those: create, mknod, mkdir, symlink, link, unlink,
// rmdir and rename.
//
// htree directories: a new entry goes into the leaf dx_probe picks when it
// has room, which keeps the index right. When that leaf is full, instead
// of splitting it (do_split) the directory stops being indexed: the index
// flag is cleared and the index blocks are rewritten as empty leaf blocks
// (the root keeps "." and ".."), as Linux itself does with a directory
// whose index it cannot use. e2fsck accepts an unindexed directory of any
// size; `e2fsck -fD` would index it again.
import { Dentry } from '../dentry.js';
import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, S_ISGID, isDir, type FsCred, type Inode } from '../inode.js';
import { EEXIST, EMLINK, ENAMETOOLONG, ENOTEMPTY, EISDIR, ENOTDIR } from '../../errno.js';
import * as F from './ext4.js';
import { u16, u32, w16, w32 } from './ext4.js';
import { dirBlockCsum } from './csum.js';
import { EFSCORRUPTED, type Ext4Super } from './super.js';
import { Ext4Inode } from './inode.js';
import { blockEntries, dirRecLen, ext4Readdir, isDxDir, recLenFromDisk, verifyLeaf } from './dir.js';
import { dxProbe, leafOf, nameBytes, readRoot, ext4Lookup } from './namei.js';
import { dirhash } from './hash.js';
import { newInodeNumber } from './ialloc.js';
import { writeData } from './buffered_write.js';

/** EXT4_FT_* for a mode. */
function fileType(mode: number): number {
  return [0, 5, 3, 0, 2, 0, 4, 0, 1, 0, 7, 0, 6][(mode & S_IFMT) >>> 12] ?? 0;
}

/** EXT4_LINK_MAX: i_links_count is 16 bits (dir_nlink makes big directories count 1; not done here). */
const LINK_MAX = 65000;

const tailed = (sb: Ext4Super) => sb.csum;

/** Where the entries of a block end: before the checksum tail when there is one. */
const entriesEnd = (sb: Ext4Super) => sb.blockSize - (tailed(sb) ? 12 : 0);

/** ext4_initialize_dirent_tail and the checksum over the block. */
function sealBlock(dir: Ext4Inode, b: Uint8Array): void {
  if (!tailed(dir.sb)) return;
  const t = b.length - 12;
  w32(b, t, 0);
  w16(b, t + 4, 12);
  b[t + 6] = 0;
  b[t + 7] = 0xde;
  w32(b, t + 8, dirBlockCsum(dir.iseed, b));
}

function putEntry(b: Uint8Array, off: number, ino: number, recLen: number, name: Uint8Array, type: number, filetype: boolean): void {
  w32(b, off, ino);
  w16(b, off + 4, recLen);
  b[off + 6] = name.length;
  b[off + 7] = filetype ? type : 0;
  b.set(name, off + 8);
}

/** Tries to place an entry in block b (add_dirent_to_buf); true if it did. */
function placeIn(dir: Ext4Inode, b: Uint8Array, name: Uint8Array, ino: number, type: number): boolean {
  const need = dirRecLen(name.length);
  const end = entriesEnd(dir.sb);
  const ft = (dir.sb.g.incompat & F.INCOMPAT_FILETYPE) !== 0;
  for (let off = 0; off < end;) {
    const recLen = recLenFromDisk(u16(b, off + 4), dir.sb.blockSize);
    if (recLen < 12 || off + recLen > end) return false;
    const cur = u32(b, off);
    const used = cur ? dirRecLen(b[off + 6]!) : 0;
    if (recLen - used >= need) {
      if (cur) {
        w16(b, off + 4, used);
        putEntry(b, off + used, ino, recLen - used, name, type, ft);
      } else putEntry(b, off, ino, recLen, name, type, ft);
      return true;
    }
    off += recLen;
  }
  return false;
}

/** The directory's mapped block lblk, checked, as a private copy with its physical number. */
function dirBlock(dir: Ext4Inode, lblk: number): { b: Uint8Array; pblk: number } | number | null {
  const m = dir.mapBlock(lblk);
  if (typeof m === 'number') return m;
  if (m.pblk === 0) return null;
  const b = dir.sb.readBlock(m.pblk);
  if (typeof b === 'number') return b;
  const v = verifyLeaf(dir, b, m.pblk);
  if (v < 0) return v;
  const e = blockEntries(dir, b, lblk);
  if (typeof e === 'number') return e;
  return { b: b.slice(), pblk: m.pblk };
}

function writeDirBlock(dir: Ext4Inode, pblk: number, b: Uint8Array): number {
  sealBlock(dir, b);
  return dir.sb.writeBlock(pblk, b);
}

/** An htree directory stops being indexed: root and index nodes become plain (empty but for . and ..) leaves. */
function dropIndex(dir: Ext4Inode): number {
  const r = readRoot(dir);
  if (typeof r === 'number') return r;
  if (r === 'bad') return dir.sb.errorInode('ext4_dx_add_entry', 2590, dir.ino, 0, 'bad htree index');
  const nodes: number[] = [];
  if (r.levels >= 1) {
    const count = u16(r.root, 0x22);
    for (let i = 0; i < count; i++) nodes.push(u32(r.root, 0x20 + i * 8 + 4) & 0x0fffffff);
  }
  const sb = dir.sb;
  const end = entriesEnd(sb);
  const ft = (sb.g.incompat & F.INCOMPAT_FILETYPE) !== 0;
  const root = dirBlock(dir, 0);
  if (root === null || typeof root === 'number') return root ?? -EFSCORRUPTED;
  const parent = u32(root.b, 12);
  const b = new Uint8Array(sb.blockSize);
  putEntry(b, 0, dir.ino, 12, new Uint8Array([0x2e]), 2, ft);
  putEntry(b, 12, parent, end - 12, new Uint8Array([0x2e, 0x2e]), 2, ft);
  let w = writeDirBlock(dir, root.pblk, b);
  if (w < 0) return w;
  for (const lblk of nodes) {
    const m = dir.mapBlock(lblk);
    if (typeof m === 'number') return m;
    if (!m.pblk) continue;
    const nb = new Uint8Array(sb.blockSize);
    w16(nb, 4, end);
    w = writeDirBlock(dir, m.pblk, nb);
    if (w < 0) return w;
  }
  dir.diskFlags &= ~F.EXT4_INDEX_FL;
  return dir.writeInode();
}

/** ext4_add_entry: the name into the directory. 0 or -errno. */
export function addEntry(dir: Ext4Inode, name: Uint8Array, ino: number, mode: number): number {
  if (name.length > 255) return -ENAMETOOLONG;
  const sb = dir.sb;
  const type = fileType(mode);
  if (isDxDir(dir)) {
    const r = readRoot(dir);
    if (typeof r === 'number') return r;
    const h = r === 'bad' ? null : dirhash(name, r.hashVersion, sb.g.hashSeed);
    const frames = r === 'bad' || !h ? 'bad' : dxProbe(dir, r, h.hash);
    if (typeof frames === 'number') return frames;
    if (frames !== 'bad') {
      const leaf = leafOf(frames);
      const blk = dirBlock(dir, leaf);
      if (typeof blk === 'number') return blk;
      if (blk && placeIn(dir, blk.b, name, ino, type)) {
        const w = writeDirBlock(dir, blk.pblk, blk.b);
        if (w < 0) return w;
        dir.touchM();
        return dir.writeInode();
      }
    }
    const d = dropIndex(dir);
    if (d < 0) return d;
  }
  const bs = sb.blockSize;
  const nblocks = Math.ceil(dir.size / bs);
  for (let lblk = 0; lblk < nblocks; lblk++) {
    const blk = dirBlock(dir, lblk);
    if (typeof blk === 'number') return blk;
    if (!blk) continue;
    if (placeIn(dir, blk.b, name, ino, type)) {
      const w = writeDirBlock(dir, blk.pblk, blk.b);
      if (w < 0) return w;
      dir.touchM();
      return dir.writeInode();
    }
  }
  // No room: a new block at the end holds the entry alone.
  const b = new Uint8Array(bs);
  putEntry(b, 0, ino, entriesEnd(sb), name, type, (sb.g.incompat & F.INCOMPAT_FILETYPE) !== 0);
  sealBlock(dir, b);
  const n = writeData(dir, nblocks * bs, b);
  if (n < 0) return n;
  return 0;
}

/** ext4_delete_entry: the entry for name folded into the one before it (or emptied if first). Its inode number, or -errno. */
export function removeEntry(dir: Ext4Inode, name: Uint8Array): number {
  const bs = dir.sb.blockSize;
  const nblocks = Math.ceil(dir.size / bs);
  for (let lblk = 0; lblk < nblocks; lblk++) {
    const blk = dirBlock(dir, lblk);
    if (typeof blk === 'number') return blk;
    if (!blk) continue;
    const b = blk.b;
    const end = entriesEnd(dir.sb);
    let prev = -1;
    for (let off = 0; off < end;) {
      const recLen = recLenFromDisk(u16(b, off + 4), bs);
      if (recLen < 12) break; // checked by dirBlock already; never loop on a zero length
      const ino = u32(b, off);
      const len = b[off + 6]!;
      if (ino && len === name.length && name.every((c, i) => b[off + 8 + i] === c)) {
        if (prev >= 0) w16(b, prev + 4, recLenFromDisk(u16(b, prev + 4), bs) + recLen);
        else w32(b, off, 0);
        const w = writeDirBlock(dir, blk.pblk, b);
        if (w < 0) return w;
        dir.touchM();
        const wi = dir.writeInode();
        return wi < 0 ? wi : ino;
      }
      prev = off;
      off += recLen;
    }
  }
  return -EFSCORRUPTED;
}

/** Points an existing entry at another inode (rename over a name). 0 or -errno. */
function retarget(dir: Ext4Inode, name: Uint8Array, ino: number, mode: number): number {
  const r = removeEntry(dir, name);
  if (r < 0) return r;
  return addEntry(dir, name, ino, mode);
}

/** __ext4_new_inode: a number near the parent, a zeroed on-disk inode with this kernel's fields, owner and times. */
function newInode(dir: Ext4Inode, mode: number, cred: FsCred): Ext4Inode | number {
  const sb = dir.sb;
  const ino = newInodeNumber(sb, dir.ino, isDir(mode));
  if (ino < 0) return ino;
  const raw = new Uint8Array(sb.g.inodeSize);
  w16(raw, 0, mode);
  if (sb.g.inodeSize > F.EXT4_GOOD_OLD_INODE_SIZE) w16(raw, 0x80, Math.min(32, sb.g.inodeSize - F.EXT4_GOOD_OLD_INODE_SIZE));
  sb.nextGeneration = (sb.nextGeneration + 1) >>> 0;
  w32(raw, 0x64, sb.nextGeneration);
  const fmt = mode & S_IFMT;
  if (sb.g.incompat & F.INCOMPAT_EXTENTS && (fmt === S_IFREG || fmt === S_IFDIR)) {
    w32(raw, 0x20, F.EXT4_EXTENTS_FL);
    w16(raw, 0x28, 0xf30a);
    w16(raw, 0x28 + 4, 4);
  }
  const inode = new Ext4Inode(sb, ino, raw);
  inode.raw.fill(0xff, 0, 2); // differs from what encode() makes, so the first writeInode writes it
  inode.uid = cred.fsuid;
  if (dir.mode & S_ISGID) {
    inode.gid = dir.gid;
    if (isDir(mode)) inode.mode |= S_ISGID;
  } else inode.gid = cred.fsgid;
  const now = sb.fs.now();
  inode.atime = now;
  inode.mtime = now;
  inode.ctime = now;
  (inode as { btime: typeof now }).btime = now;
  inode.nlink = 1;
  sb.icache.set(ino, inode);
  return inode;
}

/** The part common to create, mknod and symlink: a new inode, written, then named. */
function instantiate(dir: Ext4Inode, dentry: Dentry, name: string, inode: Ext4Inode): Inode | number {
  const w = inode.writeInode();
  if (w < 0) return w;
  const a = addEntry(dir, nameBytes(name), inode.ino, inode.mode);
  if (a < 0) {
    dir.sb.orphans.add(inode);
    inode.nlink = 0;
    return a;
  }
  dentry.addChild(new Dentry(name, dentry, inode));
  return inode;
}

/** A name that is already there: EEXIST (the VFS checks its dentries; this checks the disk). */
function exists(dir: Ext4Inode, name: string): number {
  const r = ext4Lookup(dir, name);
  if (typeof r === 'number') return r;
  return r ? -EEXIST : 0;
}

export function create(dir: Ext4Inode, dentry: Dentry, name: string, mode: number, rdev: number, cred: FsCred): Inode | number {
  const e = exists(dir, name);
  if (e < 0) return e;
  const inode = newInode(dir, mode, cred);
  if (typeof inode === 'number') return inode;
  const fmt = mode & S_IFMT;
  if (fmt === 0o020000 || fmt === 0o060000) {
    // ext4_init_special_inode: the old encoding when it fits, else the new one in i_block[1].
    const major = rdev >>> 8,
      minor = rdev & 0xff;
    if (major < 256 && minor < 256 && rdev < 65536) w32(inode.iblock, 0, (major << 8) | minor);
    else w32(inode.iblock, 4, rdev);
    inode.rdev = rdev;
  }
  return instantiate(dir, dentry, name, inode);
}

export function mkdir(dir: Ext4Inode, dentry: Dentry, name: string, mode: number, cred: FsCred): Inode | number {
  if (dir.nlink >= LINK_MAX) return -EMLINK;
  const e = exists(dir, name);
  if (e < 0) return e;
  const inode = newInode(dir, (mode & 0o7777) | S_IFDIR, cred);
  if (typeof inode === 'number') return inode;
  inode.nlink = 2;
  // ext4_init_new_dir: one block with "." and "..".
  const sb = dir.sb;
  const ft = (sb.g.incompat & F.INCOMPAT_FILETYPE) !== 0;
  const b = new Uint8Array(sb.blockSize);
  putEntry(b, 0, inode.ino, 12, new Uint8Array([0x2e]), 2, ft);
  putEntry(b, 12, dir.ino, entriesEnd(sb) - 12, new Uint8Array([0x2e, 0x2e]), 2, ft);
  sealBlock(inode, b);
  const n = writeData(inode, 0, b);
  if (n < 0) {
    inode.nlink = 0;
    sb.orphans.add(inode);
    return n;
  }
  const r = instantiate(dir, dentry, name, inode);
  if (typeof r === 'number') return r;
  dir.nlink++;
  const w = dir.writeInode();
  return w < 0 ? w : r;
}

export function symlink(dir: Ext4Inode, dentry: Dentry, name: string, target: Uint8Array, cred: FsCred): Inode | number {
  const sb = dir.sb;
  if (target.length >= sb.blockSize) return -ENAMETOOLONG;
  const e = exists(dir, name);
  if (e < 0) return e;
  const inode = newInode(dir, S_IFLNK | 0o777, cred);
  if (typeof inode === 'number') return inode;
  if (target.length < 60) {
    // A fast symlink: the target in i_block, no blocks, no extents flag.
    inode.diskFlags &= ~F.EXT4_EXTENTS_FL;
    inode.iblock.fill(0);
    inode.iblock.set(target);
    inode.size = target.length;
  } else {
    if (sb.g.incompat & F.INCOMPAT_EXTENTS) {
      inode.diskFlags |= F.EXT4_EXTENTS_FL;
      inode.iblock.fill(0);
      w16(inode.iblock, 0, 0xf30a);
      w16(inode.iblock, 4, 4);
    }
    const n = writeData(inode, 0, target);
    if (n < 0) {
      inode.nlink = 0;
      sb.orphans.add(inode);
      return n;
    }
  }
  return instantiate(dir, dentry, name, inode);
}

export function link(dir: Ext4Inode, dentry: Dentry, name: string, target: Ext4Inode): number {
  if (target.nlink >= LINK_MAX) return -EMLINK;
  const e = exists(dir, name);
  if (e < 0) return e;
  const a = addEntry(dir, nameBytes(name), target.ino, target.mode);
  if (a < 0) return a;
  target.nlink++;
  target.touchC();
  dir.sb.orphans.delete(target);
  const w = target.writeInode();
  if (w < 0) return w;
  dentry.addChild(new Dentry(name, dentry, target));
  return 0;
}

/** The last link gone: the inode waits on the orphan list for its last user (freed at umount here). */
function dropLink(inode: Ext4Inode): number {
  inode.nlink = Math.max(0, inode.nlink - 1);
  inode.touchC();
  if (inode.nlink === 0 || (isDir(inode.mode) && inode.nlink <= 1)) {
    inode.nlink = 0;
    inode.sb.orphans.add(inode);
  }
  return inode.writeInode();
}

export function unlink(dir: Ext4Inode, dentry: Dentry, name: string, victim: Dentry): number {
  const r = removeEntry(dir, nameBytes(name));
  if (r < 0) return r;
  dentry.children.delete(name);
  return dropLink(victim.inode as Ext4Inode);
}

/** empty_dir: nothing but "." and "..". 0, -ENOTEMPTY, or -errno. */
function emptyDir(inode: Ext4Inode): number {
  const ents = ext4Readdir(inode);
  if (typeof ents === 'number') return ents;
  return ents.length ? -ENOTEMPTY : 0;
}

export function rmdir(dir: Ext4Inode, dentry: Dentry, name: string, victim: Dentry): number {
  const v = victim.inode as Ext4Inode;
  const e = emptyDir(v);
  if (e < 0) return e;
  const r = removeEntry(dir, nameBytes(name));
  if (r < 0) return r;
  dentry.children.delete(name);
  v.nlink = 1;
  const d = dropLink(v);
  if (d < 0) return d;
  dir.nlink = Math.max(2, dir.nlink - 1);
  return dir.writeInode();
}

/** Rewrites ".." of a directory that moved to a new parent. */
function setDotDot(inode: Ext4Inode, parent: number): number {
  const blk = dirBlock(inode, 0);
  if (blk === null || typeof blk === 'number') return blk ?? -EFSCORRUPTED;
  w32(blk.b, 12, parent);
  return writeDirBlock(inode, blk.pblk, blk.b);
}

/** ext4_rename: the new name first (over an old one if there is one), then the old name goes. */
export function rename(oldDir: Dentry, old: Dentry, newDir: Dentry, newName: string): number {
  const od = oldDir.inode as Ext4Inode,
    nd = newDir.inode as Ext4Inode;
  const moving = old.inode as Ext4Inode;
  const target = newDir.children.get(newName) ?? null;
  const tname = nameBytes(newName);
  let replaced: Ext4Inode | null = null;
  const onDisk = ext4Lookup(nd, newName);
  if (typeof onDisk === 'number') return onDisk;
  if (onDisk) {
    if (onDisk === moving) {
      // Two names of one inode: rename does nothing.
      return 0;
    }
    if (isDir(onDisk.mode)) {
      if (!isDir(moving.mode)) return -EISDIR;
      const e = emptyDir(onDisk);
      if (e < 0) return e;
    } else if (isDir(moving.mode)) return -ENOTDIR;
    const r = retarget(nd, tname, moving.ino, moving.mode);
    if (r < 0) return r;
    replaced = onDisk;
  } else {
    const a = addEntry(nd, tname, moving.ino, moving.mode);
    if (a < 0) return a;
  }
  const rm = removeEntry(od, nameBytes(old.name));
  if (rm < 0) return rm;
  if (replaced) {
    if (isDir(replaced.mode)) {
      replaced.nlink = 1;
      nd.nlink = Math.max(2, nd.nlink - 1);
    }
    const d = dropLink(replaced);
    if (d < 0) return d;
    if (target) newDir.children.delete(newName);
  }
  if (isDir(moving.mode) && od !== nd) {
    const s = setDotDot(moving, nd.ino);
    if (s < 0) return s;
    od.nlink = Math.max(2, od.nlink - 1);
    nd.nlink++;
  }
  oldDir.children.delete(old.name);
  old.name = newName;
  newDir.addChild(old);
  moving.touchC();
  od.touchM();
  nd.touchM();
  for (const i of new Set([moving, od, nd])) {
    const w = i.writeInode();
    if (w < 0) return w;
  }
  return 0;
}
