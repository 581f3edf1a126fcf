// ext4 inodes (Linux's fs/ext4/inode.c, __ext4_iget and the read side of
// the address-space operations): the on-disk inode decoded into the VFS's
// Inode, with its checksum and sanity checks, nanosecond timestamps and
// crtime from the extra fields, and file data read through the extent tree
// or the ext2/ext3 block map.
import { Inode, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK, isDir, isReg, isLnk, type DirEntry, type FsCred } from '../inode.js';
import type { Dentry } from '../dentry.js';
import type { File, FileOps } from '../file.js';
import type { Task } from '../../sched/task.js';
import type { Blocked } from '../../syscalls/result.js';
import type { Timespec } from '../fs_state.js';
import { openSpecial } from '../special.js';
import { EINVAL, EIO, ENOTDIR, ESTALE } from '../../errno.js';
import * as F from './ext4.js';
import { u16, u32, s32, w16, w32, hi32 } from './ext4.js';
import * as W from './namei_write.js';
import * as T from './truncate.js';
import { inodeCsum, inodeSeed, inodeStoredCsum } from './csum.js';
import { extMapBlock, extentRootCheck, type Hole, type Mapping } from './extents.js';
import { indMapBlock } from './indirect.js';
import { EFSBADCRC, EFSCORRUPTED, type Ext4Super } from './super.js';
import { ext4Readdir } from './dir.js';
import { ext4Lookup } from './namei.js';
import { readXattrs } from './xattr.js';
import { fileOps } from './file.js';

/** EXT4_FITS_IN_INODE: whether a field of the extra area lies within i_extra_isize. */
const fits = (extra: number, off: number, size: number) => off + size <= F.EXT4_GOOD_OLD_INODE_SIZE + extra;

/** ext4_decode_extra_time: the two epoch bits extend the signed seconds; the rest is nanoseconds. */
function decodeTime(sec: number, extra: number | null): Timespec {
  if (extra === null) return { sec, nsec: 0 };
  return { sec: sec + (extra & 3) * 2 ** 32, nsec: extra >>> 2 };
}

export class Ext4Inode extends Inode {
  override readonly sb: Ext4Super;
  readonly iblock: Uint8Array;
  diskFlags: number;
  override readonly generation: number;
  readonly iseed: number;
  fileAcl: number;
  readonly extraIsize: number;
  /** i_blocks in 512-byte sectors (data, tree and xattr blocks). */
  iBlocks: number;
  override hasBtime = false;
  /** The inode as last read from or written to the disk: the fields this code does not model are kept from it. */
  raw: Uint8Array;
  /** i_dtime, set when the inode is deleted. */
  dtime = 0;
  /** Evicted (its number is free again): never written back. */
  freed = false;

  constructor(sb: Ext4Super, ino: number, raw: Uint8Array) {
    super(sb, u16(raw, 0), ino);
    this.sb = sb;
    this.raw = raw.slice();
    const extra = raw.length > F.EXT4_GOOD_OLD_INODE_SIZE ? u16(raw, 0x80) : 0;
    this.extraIsize = extra;
    this.uid = u16(raw, 0x2) | (u16(raw, 0x78) << 16);
    this.gid = u16(raw, 0x18) | (u16(raw, 0x7a) << 16);
    this.nlink = u16(raw, 0x1a);
    this.size = u32(raw, 0x4) + u32(raw, 0x6c) * 2 ** 32;
    this.diskFlags = u32(raw, 0x20);
    // FS_IOC_GETFLAGS shows the user-visible flags (EXT4_FL_USER_VISIBLE).
    this.iflags = this.diskFlags & 0x705bdfff;
    this.iblock = raw.slice(0x28, 0x28 + 60);
    this.generation = u32(raw, 0x64);
    this.fileAcl = u32(raw, 0x68) + u16(raw, 0x76) * 2 ** 32;
    const blocks = u32(raw, 0x1c) + (sb.g.roCompat & F.RO_COMPAT_HUGE_FILE ? u16(raw, 0x74) * 2 ** 32 : 0);
    // huge_file with EXT4_HUGE_FILE_FL counts i_blocks in file system blocks, otherwise in 512-byte sectors.
    this.iBlocks = this.diskFlags & F.EXT4_HUGE_FILE_FL ? blocks * (sb.blockSize / 512) : blocks;
    const ex = (off: number) => (fits(extra, off, 4) ? u32(raw, off) : null);
    this.atime = decodeTime(s32(raw, 0x8), ex(0x8c));
    this.ctime = decodeTime(s32(raw, 0xc), ex(0x84));
    this.mtime = decodeTime(s32(raw, 0x10), ex(0x88));
    if (fits(extra, 0x90, 4)) {
      (this as { btime: Timespec }).btime = decodeTime(s32(raw, 0x90), ex(0x94));
      this.hasBtime = true;
    }
    const fmt = this.mode & S_IFMT;
    if (fmt === S_IFCHR || fmt === S_IFBLK) {
      // old_decode_dev in i_block[0], or new_decode_dev in i_block[1]; kept in the new encoding st_rdev uses.
      const old = u32(this.iblock, 0);
      this.rdev = old ? (((old >>> 8) & 0xff) << 8) | (old & 0xff) : u32(this.iblock, 4);
    }
    this.iseed = sb.csum ? inodeSeed(sb.seed, ino, this.generation) : 0;
  }

  /** st_blksize: the file system's block size (i_blkbits). */
  override get blksize(): number {
    return this.sb.blockSize;
  }

  /** st_blocks: i_blocks, in 512-byte units. */
  override get blocks(): number {
    return this.iBlocks;
  }

  get usesExtents(): boolean {
    return (this.diskFlags & F.EXT4_EXTENTS_FL) !== 0;
  }

  /** ext4_map_blocks for reading: where logical block lblk is, how long the run is, or -errno. */
  mapBlock(lblk: number): Mapping | Hole | number {
    if (this.usesExtents) return extMapBlock(this, this.iblock, lblk);
    return indMapBlock(this.sb, this.ino, this.iblock, lblk);
  }

  /** File bytes [pos, pos+dst.length) (within EOF): holes and unwritten extents read as zeros. 0 or -errno. */
  readData(pos: number, dst: Uint8Array): number {
    const bs = this.sb.blockSize;
    let done = 0;
    while (done < dst.length) {
      const off = pos + done;
      const lblk = Math.floor(off / bs);
      const m = this.mapBlock(lblk);
      if (typeof m === 'number') return m;
      const within = off - lblk * bs;
      const run = Math.min(dst.length - done, Math.min(m.len, 2 ** 20) * bs - within);
      if (!(run > 0)) return -EFSCORRUPTED; // a map that does not advance: never loop on it
      if (m.pblk === 0 || m.unwritten) dst.fill(0, done, done + run);
      else {
        const r = this.sb.bdev.read(m.pblk * bs + within, run);
        if (typeof r === 'number') return r < 0 ? r : -EIO;
        dst.set(r, done);
      }
      done += run;
    }
    return 0;
  }

  /** One whole logical block (directories read theirs this way), or -errno. */
  readBlock(lblk: number): Uint8Array | number {
    const m = this.mapBlock(lblk);
    if (typeof m === 'number') return m;
    if (m.pblk === 0) return -EFSCORRUPTED;
    return this.sb.readBlock(m.pblk);
  }

  override lookup(dir: Dentry, name: string): Inode | null | number {
    if (!isDir(this.mode)) return null;
    return ext4Lookup(this, name);
  }

  override readdir(_dir: Dentry): DirEntry[] | number {
    if (!isDir(this.mode)) return -ENOTDIR;
    return ext4Readdir(this);
  }

  override readlink(): Uint8Array | number {
    if (!isLnk(this.mode)) return -EINVAL;
    // A fast symlink keeps its target in i_block; a slow one in its data block (ext4_inode_is_fast_symlink).
    if (this.size < 60 && !this.usesExtents && this.iBlocks === (this.fileAcl ? this.sb.blockSize / 512 : 0)) return this.iblock.slice(0, this.size);
    if (this.size >= this.sb.blockSize) return this.sb.errorInode('ext4_get_link', 100, this.ino, 0, 'bad symlink.');
    const out = new Uint8Array(this.size);
    const r = this.readData(0, out);
    return r < 0 ? r : out;
  }

  override open(f: File, opener?: Task): FileOps | number | Blocked {
    if (isReg(this.mode)) return fileOps;
    return openSpecial(this, f, opener);
  }

  override readAt(off: number, dst: Uint8Array): void {
    dst.fill(0);
    if (off < this.size) this.readData(off, dst.subarray(0, Math.min(dst.length, this.size - off)));
  }

  /** ext4_do_update_inode: the in-memory fields encoded over the last on-disk copy, with a fresh checksum. */
  encode(): Uint8Array {
    const r = this.raw.slice();
    const extra = this.extraIsize;
    w16(r, 0x0, this.mode);
    w16(r, 0x2, this.uid & 0xffff);
    w16(r, 0x78, this.uid >>> 16);
    w16(r, 0x18, this.gid & 0xffff);
    w16(r, 0x7a, this.gid >>> 16);
    w32(r, 0x4, this.size >>> 0);
    w32(r, 0x6c, hi32(this.size));
    w16(r, 0x1a, Math.min(this.nlink, 0xffff));
    // i_blocks in sectors: 48 bits with huge_file (the EXT4_HUGE_FILE_FL form is never written).
    w32(r, 0x1c, this.iBlocks >>> 0);
    w16(r, 0x74, this.sb.g.roCompat & F.RO_COMPAT_HUGE_FILE ? hi32(this.iBlocks) & 0xffff : 0);
    this.diskFlags &= ~F.EXT4_HUGE_FILE_FL;
    w32(r, 0x20, this.diskFlags);
    r.set(this.iblock, 0x28);
    if (this.dtime) w32(r, 0x14, this.dtime >>> 0);
    w32(r, 0x68, this.fileAcl >>> 0);
    w16(r, 0x76, hi32(this.fileAcl) & 0xffff);
    const time = (off: number, extraOff: number, t: Timespec) => {
      w32(r, off, t.sec >>> 0);
      if (fits(extra, extraOff, 4)) w32(r, extraOff, ((Math.floor((t.sec - s32of(t.sec)) / 2 ** 32) & 3) | (t.nsec << 2)) >>> 0);
    };
    time(0x8, 0x8c, this.atime);
    time(0xc, 0x84, this.ctime);
    time(0x10, 0x88, this.mtime);
    if (this.hasBtime && fits(extra, 0x90, 4)) time(0x90, 0x94, this.btime);
    if (this.sb.csum) {
      const hasHi = fits(extra, 0x82, 2);
      const { csum } = inodeCsum(this.iseed, r, hasHi);
      w16(r, 0x7c, csum & 0xffff);
      if (hasHi) w16(r, 0x82, csum >>> 16);
    }
    return r;
  }

  /** ctime moves on every attribute change (chmod, chown, ...): the inode goes to disk with it (ext4_mark_inode_dirty). */
  override touchC(): void {
    super.touchC();
    this.writeInode();
  }

  /** ext4_write_inode: writes the inode into its table block if anything changed. 0 or -errno. */
  writeInode(): number {
    if (this.freed || this.sb.rdonly) return 0;
    const r = this.encode();
    if (r.length === this.raw.length && r.every((x, i) => x === this.raw[i])) return 0;
    const g = this.sb.g;
    const grp = Math.floor((this.ino - 1) / g.inodesPerGroup);
    const byte = ((this.ino - 1) % g.inodesPerGroup) * g.inodeSize;
    const nr = this.sb.groups[grp]!.inodeTable + Math.floor(byte / this.sb.blockSize);
    const blk = this.sb.blockCopy(nr);
    if (typeof blk === 'number') return blk;
    blk.set(r, byte % this.sb.blockSize);
    const w = this.sb.writeBlock(nr, blk);
    if (w < 0) return w;
    this.raw = r;
    return 0;
  }

  override create(d: Dentry, n: string, m: number, c: FsCred): Inode | number {
    return W.create(this, d, n, (m & ~S_IFMT) | S_IFREG, 0, c);
  }
  override mkdir(d: Dentry, n: string, m: number, c: FsCred): Inode | number {
    return W.mkdir(this, d, n, m, c);
  }
  override mknod(d: Dentry, n: string, m: number, rdev: number, c: FsCred): Inode | number {
    return W.create(this, d, n, m, rdev, c);
  }
  override symlink(d: Dentry, n: string, target: Uint8Array, c: FsCred): Inode | number {
    return W.symlink(this, d, n, target, c);
  }
  override link(d: Dentry, n: string, target: Inode): number {
    return W.link(this, d, n, target as Ext4Inode);
  }
  override unlink(d: Dentry, n: string, victim: Dentry): number {
    return W.unlink(this, d, n, victim);
  }
  override rmdir(d: Dentry, n: string, victim: Dentry): number {
    return W.rmdir(this, d, n, victim);
  }
  override rename(oldDir: Dentry, old: Dentry, newDir: Dentry, newName: string): number {
    return W.rename(oldDir, old, newDir, newName);
  }
  override truncate(size: number): number {
    if (!isReg(this.mode)) return -EINVAL;
    return T.setSize(this, size);
  }
  /** ext4_evict_inode: the blocks and the inode number freed once nothing links to it. 0 or -errno. */
  evict(): number {
    return T.evict(this);
  }
}

/** The low 32 bits of a time as the signed value the on-disk field holds. */
const s32of = (sec: number) => sec - Math.floor((sec + 2 ** 31) / 2 ** 32) * 2 ** 32;

/** ext4_valid_inum: the root or a non-reserved inode within the count. */
export function validInum(sb: Ext4Super, ino: number): boolean {
  return ino === F.EXT4_ROOT_INO || (ino >= sb.g.firstIno && ino <= sb.g.inodesCount);
}

/**
 * __ext4_iget: the inode from its group's inode table (cached, so hard
 * links share one Inode), checked as Linux checks it, or -errno.
 */
export function ext4Iget(sb: Ext4Super, ino: number): Ext4Inode | number {
  const hit = sb.icache.get(ino);
  if (hit) return hit as Ext4Inode;
  const g = sb.g;
  if (ino < 1 || ino > g.inodesCount) return -ESTALE;
  const group = Math.floor((ino - 1) / g.inodesPerGroup);
  const index = (ino - 1) % g.inodesPerGroup;
  const gd = sb.groups[group];
  if (!gd) return -EFSCORRUPTED;
  const byte = index * g.inodeSize;
  const blk = sb.readBlock(gd.inodeTable + Math.floor(byte / sb.blockSize));
  if (typeof blk === 'number') return sb.errorInode('__ext4_get_inode_loc', 4563, ino, gd.inodeTable, 'unable to read itable block', EIO);
  const raw = blk.slice(byte % sb.blockSize, (byte % sb.blockSize) + g.inodeSize);
  const extra = g.inodeSize > F.EXT4_GOOD_OLD_INODE_SIZE ? u16(raw, 0x80) : 0;
  if (g.inodeSize > F.EXT4_GOOD_OLD_INODE_SIZE && (F.EXT4_GOOD_OLD_INODE_SIZE + extra > g.inodeSize || extra & 3)) {
    return sb.errorInode('__ext4_iget', 4942, ino, 0, `iget: bad extra_isize ${extra} (inode size ${g.inodeSize})`);
  }
  if (sb.csum && g.creatorOs === 0) {
    const hasHi = fits(extra, 0x82, 2);
    const iseed = inodeSeed(sb.seed, ino, u32(raw, 0x64));
    const { csum } = inodeCsum(iseed, raw, hasHi);
    if (csum !== inodeStoredCsum(raw, hasHi)) return sb.errorInode('__ext4_iget', 4962, ino, 0, 'iget: checksum invalid', EFSBADCRC);
  }
  // An inode nobody links to any more is a stale reference (ESTALE), not data.
  if (u16(raw, 0x1a) === 0 && u16(raw, 0) === 0) return -ESTALE;
  const inode = new Ext4Inode(sb, ino, raw);
  const fmt = inode.mode & S_IFMT;
  if (![S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK].includes(fmt))
    return sb.errorInode('__ext4_iget', 5147, ino, 0, `iget: bogus i_mode (${inode.mode.toString(8)})`);
  if (inode.diskFlags & F.EXT4_INLINE_DATA_FL) return sb.errorInode('__ext4_iget', 5011, ino, 0, 'iget: inline data without the inline_data feature');
  if (inode.usesExtents && (fmt === S_IFREG || fmt === S_IFDIR || (fmt === S_IFLNK && !(inode.size < 60 && inode.blocks === 0)))) {
    const r = extentRootCheck(inode, inode.iblock);
    if (r < 0) return r;
  }
  const xr = readXattrs(inode, raw);
  if (xr < 0) return xr;
  sb.icache.set(ino, inode);
  return inode;
}
