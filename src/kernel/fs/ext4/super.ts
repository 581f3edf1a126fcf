// The ext4 superblock (Linux's fs/ext4/super.c): reading and checking the
// on-disk superblock and group descriptors at mount (__ext4_fill_super and
// its helpers, with their EXT4-fs messages), the mount options, statfs, and
// the error reporting every other file of fs/ext4 goes through.
import { SuperBlock, type StatFs } from '../superblock.js';
import type { FsState } from '../fs_state.js';
import type { BlockDevice } from '../../block/bdev.js';
import { EBADMSG, EINVAL, EIO, EROFS, EUCLEAN } from '../../errno.js';
import { KERN_CRIT, KERN_ERR, KERN_INFO, KERN_WARNING } from '../../printk.js';
import * as F from './ext4.js';
import { u16, u32 } from './ext4.js';
import { csumSeed, groupDescCsum, superblockCsum } from './csum.js';
import { descriptorLoc, groupHasSuper, groupNumGdb, parseGroupDesc, type Geometry, type GroupDesc } from './balloc.js';
import type { Inode } from '../inode.js';

/** EFSBADCRC and EFSCORRUPTED, as ext4.h names EBADMSG and EUCLEAN. */
export const EFSBADCRC = EBADMSG,
  EFSCORRUPTED = EUCLEAN;

/** What the kernel around a mounted ext4 gives it: the log, and the name of the task doing the I/O. */
export interface Ext4Host {
  printk(level: number, text: string): void;
  comm(): string;
}

export type DataMode = 'ordered' | 'writeback' | 'journal';
export type ErrorsMode = 'continue' | 'remount-ro' | 'panic';

export interface Ext4Options {
  data: DataMode | null;
  errors: ErrorsMode | null;
  commit: number | null;
  barrier: boolean;
  noload: boolean;
  /** The options in the order /proc/mounts shows them (ext4_show_options prints the ones that differ from the defaults). */
  shown: string[];
}

/** The superblock fields the code uses, decoded once (struct ext4_sb_info's copies). */
export interface Ext4Geometry extends Geometry {
  inodesCount: number;
  blocksCount: number;
  rBlocksCount: number;
  blockSize: number;
  inodesPerGroup: number;
  inodeSize: number;
  firstIno: number;
  descSize: number;
  groupCount: number;
  gdbCount: number;
  compat: number;
  revLevel: number;
  minExtraIsize: number;
  hashSeed: Uint32Array;
  /** 3 when s_flags says the directory hashes treat chars as unsigned (s_hash_unsigned). */
  hashUnsigned: number;
  defHashVersion: number;
  journalInum: number;
  overheadClusters: number;
  uuid: Uint8Array;
  creatorOs: number;
  errors: number;
}

/** Metadata blocks kept in the buffer cache per mount. */
const BCACHE_BLOCKS = 4096;

export class Ext4Super extends SuperBlock {
  readonly groups: GroupDesc[] = [];
  readonly icache = new Map<number, Inode>();
  /** metadata_csum: every metadata block is checked against its crc32c. */
  readonly csum: boolean;
  readonly seed: number;
  readonly blockSize: number;
  /** The journal's length in blocks (0: no journal), part of statfs's overhead unless mke2fs stored the total. */
  journalBlocks = 0;
  /** Metadata blocks (superblocks, descriptors, bitmaps, inode tables) when s_overhead_clusters is 0. */
  readonly overhead: number;

  constructor(
    fs: FsState,
    fsType: string,
    readonly bdev: BlockDevice,
    readonly host: Ext4Host,
    readonly g: Ext4Geometry,
    readonly opts: Ext4Options,
    public rdonly: boolean,
  ) {
    super(fs, fsType, F.EXT4_SUPER_MAGIC, bdev.rdev);
    this.csum = (g.roCompat & F.RO_COMPAT_METADATA_CSUM) !== 0;
    this.seed = 0;
    this.blockSize = g.blockSize;
    this.xattr = true;
    this.posixAcl = true;
    this.overhead = 0;
    // An unknown ro_compat feature allows only reading (ext4_feature_set_ok): no remount makes such a file system rw.
    this.forceReadOnly = (g.roCompat & ~F.RO_COMPAT_SUPP) !== 0 || ((fsType === 'ext2' || fsType === 'ext3') && (g.roCompat & ~F.EXT2_RO_COMPAT_SUPP) !== 0);
    // xattrs and ACLs are read from disk but not written yet: refused rather than kept in memory only.
    this.xattrWrite = false;
    this.nextGeneration = (fs.now().sec * 2654435761) >>> 0;
  }

  /** The on-disk superblock (1024 bytes), updated and written back by commitSuper. */
  sbRaw = new Uint8Array(1024);
  /** s_next_generation: i_generation of the next new inode. */
  nextGeneration: number;
  /** Inodes whose last link went while mounted: their blocks and inode are freed at umount (the orphan list). */
  readonly orphans = new Set<Inode>();
  /** ext4_handle_error's "remount-ro" for a write that met corruption: no more writes. */
  writeErrors = 0;

  /**
   * Writes one whole block and keeps the cached copy in step (its checksum,
   * computed by the writer, is valid). 0 or -errno. The superblock's block
   * (and the boot block before it) is never a target: a damaged descriptor
   * that points a bitmap there gets EFSCORRUPTED.
   */
  writeBlock(nr: number, data: Uint8Array): number {
    if (!Number.isSafeInteger(nr) || nr <= this.g.firstDataBlock || nr >= this.g.blocksCount || data.length !== this.blockSize) return -EFSCORRUPTED;
    const r = this.bdev.write(nr * this.blockSize, data);
    if (r < 0) return r;
    const hit = this.bcache.get(nr);
    if (hit && hit !== data) hit.set(data);
    else if (!hit) this.bcache.set(nr, data.slice());
    this.verified.add(nr);
    return 0;
  }

  /** Drops a block from the metadata cache: file data is about to be written there directly. */
  forget(nr: number): void {
    this.bcache.delete(nr);
    this.verified.delete(nr);
  }

  /** A private copy of a block to modify and write back, or -errno. */
  blockCopy(nr: number): Uint8Array | number {
    const b = this.readBlock(nr);
    return typeof b === 'number' ? b : b.slice();
  }

  /**
   * ext4_group_desc_csum_set and the write of one descriptor: the counts and
   * flags of groups[grp] encoded into its slot, `patch` for the bitmap
   * checksums, then the descriptor checksum. 0 or -errno.
   */
  writeDesc(grp: number, patch?: (raw: Uint8Array) => void): number {
    const g = this.g;
    const nr = descriptorLoc(g, Math.floor(grp / g.descPerBlock));
    const blk = this.blockCopy(nr);
    if (typeof blk === 'number') return blk;
    const off = (grp % g.descPerBlock) * g.descSize;
    const raw = blk.subarray(off, off + g.descSize);
    const d = this.groups[grp]!;
    const wide = g.descSize >= 64;
    const put16 = (lo: number, hi: number, v: number) => {
      F.w16(raw, lo, v & 0xffff);
      if (wide) F.w16(raw, hi, v >>> 16);
    };
    put16(0xc, 0x2c, d.freeBlocks);
    put16(0xe, 0x2e, d.freeInodes);
    put16(0x10, 0x30, d.usedDirs);
    F.w16(raw, 0x12, d.flags);
    put16(0x1c, 0x32, d.itableUnused);
    patch?.(raw);
    if (this.csum || g.roCompat & F.RO_COMPAT_GDT_CSUM) {
      d.checksum = groupDescCsum(this.seed, g.uuid, this.csum, grp, raw);
      F.w16(raw, 0x1e, d.checksum);
    }
    return this.writeBlock(nr, blk);
  }

  /** ext4_commit_super: the free counts summed over the groups, the write time, the checksum; then the write. 0 or -errno. */
  commitSuper(): number {
    const b = this.sbRaw;
    let bfree = 0,
      ifree = 0;
    for (const d of this.groups) {
      bfree += d.freeBlocks;
      ifree += d.freeInodes;
    }
    F.w32(b, 0x0c, bfree >>> 0);
    if (this.g.incompat & F.INCOMPAT_64BIT) F.w32(b, 0x158, F.hi32(bfree));
    F.w32(b, 0x10, ifree);
    F.w32(b, 0x30, this.fs.now().sec >>> 0);
    if (this.csum) F.w32(b, 0x3fc, superblockCsum(b));
    return this.bdev.write(F.SUPERBLOCK_OFFSET, b);
  }

  /** ext4_setup_super for a read-write mount: counted, stamped, and marked not clean until umount. */
  setupSuper(): number {
    const b = this.sbRaw;
    const state = u16(b, 0x3a);
    if (!(state & F.EXT4_VALID_FS)) this.msg(KERN_WARNING, 'warning: mounting unchecked fs, running e2fsck is recommended');
    else if (state & F.EXT4_ERROR_FS) this.msg(KERN_WARNING, 'warning: mounting fs with errors, running e2fsck is recommended');
    // No journal is written, so an interrupted mount needs e2fsck: the state says so until umount.
    F.w16(b, 0x3a, state & ~F.EXT4_VALID_FS);
    if (u16(b, 0x36) === 0) F.w16(b, 0x36, 0xffff);
    F.w16(b, 0x34, (u16(b, 0x34) + 1) & 0xffff);
    F.w32(b, 0x2c, this.fs.now().sec >>> 0);
    return this.commitSuper();
  }

  /** Writes back every cached inode whose fields changed since it was read or written (chmod, chown, utimes, atime). */
  writeInodes(): number {
    let err = 0;
    for (const i of this.icache.values()) {
      const r = (i as Inode & { writeInode(): number }).writeInode();
      if (r < 0) err = r;
    }
    return err;
  }

  override syncFs(): number {
    if (this.rdonly) return 0;
    const a = this.writeInodes();
    const b = this.commitSuper();
    const c = this.bdev.flush();
    return a < 0 ? a : b < 0 ? b : c;
  }

  /**
   * ext4_reconfigure's read-only switch: going read-only frees the orphans,
   * writes everything back and marks the file system clean;
   * going read-write marks it not clean again, as a read-write mount does.
   */
  override remountFs(readOnly: boolean): number {
    if (readOnly === this.rdonly) return 0;
    if (readOnly) {
      // The deletions waiting on the orphan list are done now (the list is not on disk to finish them later).
      for (const i of this.orphans) (i as Inode & { evict(): number }).evict();
      this.orphans.clear();
      const r = this.syncFs();
      const b = this.sbRaw;
      if (!this.writeErrors) F.w16(b, 0x3a, u16(b, 0x3a) | F.EXT4_VALID_FS);
      const c = this.commitSuper();
      this.bdev.flush();
      this.rdonly = true;
      return r < 0 ? r : c;
    }
    if (this.bdev.readOnly) return -EROFS;
    this.rdonly = false;
    const s = this.setupSuper();
    if (s < 0) this.rdonly = true;
    return s;
  }

  /** ext4_put_super: the orphans freed, everything written back, and the state clean again (unless an error was seen). */
  override putSuper(): void {
    if (this.rdonly) return;
    for (const i of this.orphans) (i as Inode & { evict(): number }).evict();
    this.orphans.clear();
    this.writeInodes();
    const b = this.sbRaw;
    if (!this.writeErrors) F.w16(b, 0x3a, u16(b, 0x3a) | F.EXT4_VALID_FS);
    else F.w16(b, 0x3a, u16(b, 0x3a) | F.EXT4_ERROR_FS);
    this.commitSuper();
    this.bdev.flush();
  }

  /** The name in messages (sb->s_id): the block device's. */
  get id(): string {
    return this.bdev.name;
  }

  /** ext4_msg: "EXT4-fs (sdz): ..." */
  msg(level: number, text: string): void {
    this.host.printk(level, `EXT4-fs (${this.id}): ${text}`);
  }

  /**
   * EXT4_ERROR_INODE / ext4_error_inode_block: an inconsistency found on
   * disk. Logged in Linux's format with Linux's function name; the line
   * number is a fixed one per check, not necessarily Linux's own (those
   * move from release to release). The caller fails the operation with
   * the errno returned.
   */
  errorInode(fn: string, line: number, ino: number, block: number, text: string, err = EFSCORRUPTED): number {
    const where = block ? `inode #${ino}: block ${block}: ` : `inode #${ino}: `;
    this.host.printk(KERN_CRIT, `EXT4-fs error (device ${this.id}): ${fn}:${line}: ${where}comm ${this.host.comm()}: ${text}`);
    return -err;
  }

  /**
   * The buffer cache of metadata blocks (Linux's buffer heads on the block
   * device's page cache), so a lookup does not reread and recheck the same
   * index and directory blocks. `verified` marks the cached blocks whose
   * checksum has been checked (buffer_verified).
   */
  private readonly bcache = new Map<number, Uint8Array>();
  private readonly verified = new Set<number>();

  /** One block of the file system (shared, not to be modified), or -errno: a block past the end is corruption, a failed read EIO. */
  readBlock(nr: number): Uint8Array | number {
    if (!Number.isSafeInteger(nr) || nr < 0 || nr >= this.g.blocksCount) return -EFSCORRUPTED;
    const hit = this.bcache.get(nr);
    if (hit) return hit;
    const r = this.bdev.read(nr * this.blockSize, this.blockSize);
    if (typeof r === 'number') return r < 0 ? r : -EIO;
    if (this.bcache.size >= BCACHE_BLOCKS) {
      // Drop the oldest quarter: a Map iterates in insertion order.
      let n = BCACHE_BLOCKS / 4;
      for (const k of this.bcache.keys()) {
        this.bcache.delete(k);
        this.verified.delete(k);
        if (--n === 0) break;
      }
    }
    this.bcache.set(nr, r);
    return r;
  }

  /** Runs a checksum check once per cached block: 0, or the check's -errno (not remembered, so it is reported again). */
  verifyOnce(nr: number, check: () => number): number {
    if (this.verified.has(nr)) return 0;
    const r = check();
    if (r === 0 && this.bcache.has(nr)) this.verified.add(nr);
    return r;
  }

  /** ext4_statfs: blocks less the metadata overhead; bavail less the reserved blocks (and the 2% ext4 keeps back). */
  override statfs(): StatFs {
    const g = this.g;
    let bfree = 0,
      ffree = 0;
    for (const d of this.groups) {
      bfree += d.freeBlocks;
      ffree += d.freeInodes;
    }
    const resv = g.incompat & F.INCOMPAT_EXTENTS ? Math.min(Math.floor(g.blocksCount / 50), 4096) : 0;
    return {
      type: F.EXT4_SUPER_MAGIC,
      bsize: this.blockSize,
      blocks: g.blocksCount - (g.overheadClusters || this.overhead + this.journalBlocks),
      bfree,
      bavail: Math.max(0, bfree - g.rBlocksCount - resv),
      files: g.inodesCount,
      ffree,
      namelen: 255,
      frsize: this.blockSize,
      flags: 0,
    };
  }
}

/** The seed and overhead depend on fields checked during mount, so they are set once the checks pass. */
function finish(sb: Ext4Super, seed: number, overhead: number): void {
  (sb as { seed: number }).seed = seed;
  (sb as { overhead: number }).overhead = overhead;
}

/** parse_options: the ext4 mount options this kernel knows; anything else is refused as Linux refuses it. */
export function parseOptions(data: string, log: (level: number, text: string) => void): Ext4Options | number {
  const o: Ext4Options = { data: null, errors: null, commit: null, barrier: true, noload: false, shown: [] };
  for (const opt of data.split(',').filter(Boolean)) {
    const [key, val] = opt.includes('=') ? [opt.slice(0, opt.indexOf('=')), opt.slice(opt.indexOf('=') + 1)] : [opt, null];
    if (key === 'data' && (val === 'ordered' || val === 'writeback' || val === 'journal')) o.data = val;
    else if (key === 'errors' && (val === 'continue' || val === 'remount-ro' || val === 'panic')) o.errors = val;
    else if (key === 'commit' && val !== null && /^[0-9]+$/.test(val)) o.commit = Number(val);
    else if (key === 'barrier' && val === null) o.barrier = true;
    else if (key === 'barrier' && val !== null && /^[0-9]+$/.test(val)) o.barrier = Number(val) !== 0;
    else if (key === 'nobarrier' && val === null) o.barrier = false;
    else if ((key === 'noload' || key === 'norecovery') && val === null) o.noload = true;
    else if (
      [
        'user_xattr',
        'acl',
        'nouser_xattr',
        'noacl',
        'discard',
        'nodiscard',
        'delalloc',
        'nodelalloc',
        'auto_da_alloc',
        'noauto_da_alloc',
        'dioread_nolock',
        'dioread_lock',
        'journal_checksum',
      ].includes(key) &&
      val === null
    )
      continue;
    else {
      log(KERN_ERR, `Unrecognized mount option "${opt}" or missing value`);
      return -EINVAL;
    }
  }
  // ext4_show_options's order: errors=, commit=, barrier, then data=.
  if (o.errors) o.shown.push(`errors=${o.errors}`);
  if (o.commit !== null && o.commit !== 5) o.shown.push(`commit=${o.commit}`);
  if (!o.barrier) o.shown.push('nobarrier');
  if (o.noload) o.shown.push('norecovery');
  if (o.data && o.data !== 'ordered') o.shown.push(`data=${o.data}`);
  return o;
}

function decodeGeometry(b: Uint8Array): Ext4Geometry {
  const incompat = u32(b, 0x60);
  const is64 = (incompat & F.INCOMPAT_64BIT) !== 0;
  const revLevel = u32(b, 0x4c);
  const blockSize = 1024 * 2 ** Math.min(u32(b, 0x18), 20);
  const descSize = is64 ? u16(b, 0xfe) : F.EXT4_MIN_DESC_SIZE;
  const blocksCount = u32(b, 0x4) + (is64 ? u32(b, 0x150) * 2 ** 32 : 0);
  const firstDataBlock = u32(b, 0x14);
  const blocksPerGroup = u32(b, 0x20);
  const groupCount = blocksPerGroup ? Math.ceil((blocksCount - firstDataBlock) / blocksPerGroup) : 0;
  const descPerBlock = descSize ? Math.floor(blockSize / descSize) : 0;
  const flags = u32(b, 0x160);
  return {
    inodesCount: u32(b, 0x0),
    blocksCount,
    rBlocksCount: u32(b, 0x8) + (is64 ? u32(b, 0x154) * 2 ** 32 : 0),
    firstDataBlock,
    blockSize,
    blocksPerGroup,
    inodesPerGroup: u32(b, 0x28),
    inodeSize: revLevel === 0 ? F.EXT4_GOOD_OLD_INODE_SIZE : u16(b, 0x58),
    firstIno: revLevel === 0 ? F.EXT4_GOOD_OLD_FIRST_INO : u32(b, 0x54),
    descSize,
    descPerBlock,
    groupCount,
    gdbCount: descPerBlock ? Math.ceil(groupCount / descPerBlock) : 0,
    compat: u32(b, 0x5c),
    incompat,
    roCompat: u32(b, 0x64),
    revLevel,
    firstMetaBg: u32(b, 0x104),
    minExtraIsize: u16(b, 0x15c),
    hashSeed: new Uint32Array([u32(b, 0xec), u32(b, 0xf0), u32(b, 0xf4), u32(b, 0xf8)]),
    hashUnsigned: flags & 0x2 ? 3 : 0,
    defHashVersion: b[0xfc]!,
    journalInum: u32(b, 0xe0),
    overheadClusters: u32(b, 0x248),
    uuid: b.slice(0x68, 0x78),
    creatorOs: u32(b, 0x48),
    errors: u16(b, 0x3c),
  };
}

/** %pU: the UUID as 8-4-4-4-12 lowercase hex. */
export function uuidString(u: Uint8Array): string {
  const h = [...u].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const isPow2 = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** Which of the three names the mount used: ext2 and ext3 get the feature checks of those drivers. */
export type Ext4Flavour = 'ext2' | 'ext3' | 'ext4';

/**
 * __ext4_fill_super, for the steps this kernel has: the superblock, its
 * checksum, the feature sets against what is implemented, the geometry, and
 * the group descriptors with ext4_check_descriptors. Returns the superblock
 * or -errno after logging Linux's message.
 */
export function fillSuper(
  fs: FsState,
  flavour: Ext4Flavour,
  bdev: BlockDevice,
  host: Ext4Host,
  data: string,
  rdonly: boolean,
  silent: boolean,
): Ext4Super | number {
  const msg = (level: number, text: string) => host.printk(level, `EXT4-fs (${bdev.name}): ${text}`);
  const opts = parseOptions(data, msg);
  if (typeof opts === 'number') return opts;
  if (bdev.size < 2048) {
    if (!silent) msg(KERN_ERR, "VFS: Can't find ext4 filesystem");
    return -EINVAL;
  }
  const raw = bdev.read(F.SUPERBLOCK_OFFSET, 1024);
  if (typeof raw === 'number') {
    msg(KERN_ERR, 'unable to read superblock');
    return -EIO;
  }
  if (u16(raw, 0x38) !== F.EXT4_SUPER_MAGIC) {
    if (!silent) msg(KERN_ERR, "VFS: Can't find ext4 filesystem");
    return -EINVAL;
  }
  const g = decodeGeometry(raw);
  const metadataCsum = (g.roCompat & F.RO_COMPAT_METADATA_CSUM) !== 0;
  // ext4_init_metadata_csum
  if (metadataCsum && g.roCompat & F.RO_COMPAT_GDT_CSUM) msg(KERN_WARNING, 'metadata_csum and uninit_bg are redundant flags; please run fsck.');
  if (metadataCsum && raw[0x175] !== F.EXT4_CRC32C_CHKSUM) {
    if (!silent) msg(KERN_ERR, 'VFS: Found ext4 filesystem with unknown checksum algorithm.');
    return -EINVAL;
  }
  if (metadataCsum && superblockCsum(raw) !== u32(raw, 0x3fc)) {
    if (!silent) msg(KERN_ERR, 'VFS: Found ext4 filesystem with invalid superblock checksum.  Run e2fsck?');
    return -EFSBADCRC;
  }
  // ext2/ext3 mounts: only what those drivers knew (ext2_feature_set_ok, ext3_feature_set_ok).
  if (flavour === 'ext2' || flavour === 'ext3') {
    const inc = flavour === 'ext2' ? F.EXT2_INCOMPAT_SUPP : F.EXT3_INCOMPAT_SUPP;
    const ok = !(g.incompat & ~inc) && (flavour === 'ext2' || (g.compat & F.COMPAT_HAS_JOURNAL) !== 0) && (rdonly || !(g.roCompat & ~F.EXT2_RO_COMPAT_SUPP));
    if (!ok) {
      msg(KERN_ERR, `couldn't mount as ${flavour} due to feature incompatibilities`);
      return -EINVAL;
    }
    msg(KERN_INFO, `mounting ${flavour} file system using the ext4 subsystem`);
  }
  // ext4_feature_set_ok
  if (g.incompat & ~F.INCOMPAT_SUPP) {
    msg(KERN_ERR, `Couldn't mount because of unsupported optional features (${(g.incompat & ~F.INCOMPAT_SUPP).toString(16)})`);
    return -EINVAL;
  }
  if (!rdonly && g.roCompat & ~F.RO_COMPAT_SUPP) {
    msg(KERN_ERR, `couldn't mount RDWR because of unsupported optional features (${(g.roCompat & ~F.RO_COMPAT_SUPP).toString(16)})`);
    return -EINVAL;
  }
  // ext4_load_super / ext4_handle_clustersize / ext4_inode_info_init / ext4_geometry_check
  const logBs = u32(raw, 0x18);
  if (logBs > F.EXT4_MAX_BLOCK_LOG_SIZE - F.EXT4_MIN_BLOCK_LOG_SIZE) {
    msg(KERN_ERR, `Invalid log block size: ${logBs}`);
    return -EINVAL;
  }
  if (g.inodeSize < F.EXT4_GOOD_OLD_INODE_SIZE || !isPow2(g.inodeSize) || g.inodeSize > g.blockSize) {
    msg(KERN_ERR, `unsupported inode size: ${g.inodeSize}`);
    return -EINVAL;
  }
  if (g.firstIno < F.EXT4_GOOD_OLD_FIRST_INO) {
    msg(KERN_ERR, `invalid first ino: ${g.firstIno}`);
    return -EINVAL;
  }
  if (g.incompat & F.INCOMPAT_64BIT && (g.descSize < F.EXT4_MIN_DESC_SIZE_64BIT || g.descSize > F.EXT4_MAX_DESC_SIZE || !isPow2(g.descSize))) {
    msg(KERN_ERR, `unsupported descriptor size ${g.descSize}`);
    return -EINVAL;
  }
  if (g.blocksPerGroup === 0 || g.blocksPerGroup > g.blockSize * 8) {
    msg(KERN_ERR, `#blocks per group too big: ${g.blocksPerGroup}`);
    return -EINVAL;
  }
  if (g.inodesPerGroup < g.blockSize / g.inodeSize || g.inodesPerGroup > g.blockSize * 8 || g.inodesPerGroup % (g.blockSize / g.inodeSize)) {
    msg(KERN_ERR, `invalid inodes per group: ${g.inodesPerGroup}`);
    return -EINVAL;
  }
  if (g.firstDataBlock >= g.blocksCount) {
    msg(KERN_WARNING, `bad geometry: first data block ${g.firstDataBlock} is beyond end of filesystem (${g.blocksCount})`);
    return -EINVAL;
  }
  if (g.firstDataBlock === 0 && g.blockSize === 1024) {
    msg(KERN_WARNING, 'bad geometry: first data block is 0 with a 1k block and cluster size');
    return -EINVAL;
  }
  const devBlocks = Math.floor(bdev.size / g.blockSize);
  if (g.blocksCount > devBlocks) {
    msg(KERN_WARNING, `bad geometry: block count ${g.blocksCount} exceeds size of device (${devBlocks} blocks)`);
    return -EINVAL;
  }
  if (g.groupCount * g.inodesPerGroup !== g.inodesCount) {
    msg(KERN_WARNING, `inodes count not valid: ${g.inodesCount} vs ${g.groupCount * g.inodesPerGroup}`);
    return -EINVAL;
  }
  if (g.incompat & F.INCOMPAT_META_BG && g.firstMetaBg > g.gdbCount) {
    msg(KERN_WARNING, `first meta block group too large: ${g.firstMetaBg} (group descriptor block count ${g.gdbCount})`);
    return -EINVAL;
  }
  const seed = csumSeed(g.uuid, g.incompat & F.INCOMPAT_CSUM_SEED ? u32(raw, 0x270) : null);
  const sb = new Ext4Super(fs, flavour, bdev, host, g, opts, rdonly);
  // ext4_group_desc_init + ext4_check_descriptors
  const gdtCsum = metadataCsum || (g.roCompat & F.RO_COMPAT_GDT_CSUM) !== 0;
  const flex = (g.incompat & F.INCOMPAT_FLEX_BG) !== 0;
  const itbPerGroup = Math.ceil((g.inodesPerGroup * g.inodeSize) / g.blockSize);
  for (let grp = 0; grp < g.groupCount; grp++) {
    const dblock = descriptorLoc(g, Math.floor(grp / g.descPerBlock));
    const blk = sb.readBlock(dblock);
    if (typeof blk === 'number') {
      msg(KERN_ERR, `can't read group descriptor ${Math.floor(grp / g.descPerBlock)}`);
      return -EIO;
    }
    const off = (grp % g.descPerBlock) * g.descSize;
    const raw = blk.subarray(off, off + g.descSize);
    const d = parseGroupDesc(raw);
    const first = flex ? g.firstDataBlock : g.firstDataBlock + grp * g.blocksPerGroup;
    const last = flex ? g.blocksCount - 1 : Math.min(first + g.blocksPerGroup - 1, g.blocksCount - 1);
    const bad = (what: string, at: number) => {
      msg(KERN_ERR, `ext4_check_descriptors: ${what} for group ${grp} not in group (block ${at})!`);
      msg(KERN_ERR, 'group descriptors corrupted!');
      return -EFSCORRUPTED;
    };
    if (d.blockBitmap < first || d.blockBitmap > last) return bad('Block bitmap', d.blockBitmap);
    if (d.inodeBitmap < first || d.inodeBitmap > last) return bad('Inode bitmap', d.inodeBitmap);
    if (d.inodeTable < first || d.inodeTable + itbPerGroup - 1 > last) return bad('Inode table', d.inodeTable);
    if (gdtCsum) {
      const want = groupDescCsum(seed, g.uuid, metadataCsum, grp, raw);
      if (want !== d.checksum) {
        msg(KERN_ERR, `ext4_check_descriptors: Checksum for group ${grp} failed (${d.checksum}!=${want})`);
        msg(KERN_ERR, 'group descriptors corrupted!');
        return -EFSBADCRC;
      }
    }
    sb.groups.push(d);
  }
  // ext4_calculate_overhead, unless mke2fs stored it (s_overhead_clusters).
  let overhead = g.overheadClusters;
  if (!overhead) {
    overhead = g.firstDataBlock;
    for (let grp = 0; grp < g.groupCount; grp++) overhead += (groupHasSuper(g.roCompat, grp) ? 1 : 0) + groupNumGdb(g, g.gdbCount, grp) + itbPerGroup + 2;
  }
  finish(sb, seed, overhead);
  sb.sbRaw.set(raw);
  return sb;
}
