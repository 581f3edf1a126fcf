// tmpfs: files live in kernel memory, the directory tree lives in the dentry
// cache. A directory can be filled lazily from a host tree (the root image).
import { EEXIST, EFBIG, EINVAL, ENOTEMPTY, EISDIR, EPERM, ENXIO } from '../errno.js';
import { Dentry } from './dentry.js';
import { DirEntry, FsCred, Inode, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, isDir, dtype, S_ISGID } from './inode.js';
import type { File, FileOps } from './file.js';
import type { Task } from '../sched/task.js';
import { SuperBlock } from './superblock.js';
import type { FsState } from './fs_state.js';
import { openSpecial } from './special.js';
import type { Blocked } from '../syscalls/result.js';
import { AddressSpace, type PageBacking } from '../mm/filemap.js';

export const TMPFS_MAGIC = 0x01021994;
export const F_SEAL_SEAL = 1,
  F_SEAL_SHRINK = 2,
  F_SEAL_GROW = 4,
  F_SEAL_WRITE = 8,
  F_SEAL_FUTURE_WRITE = 0x10,
  F_SEAL_EXEC = 0x20;
const MAX_FILE = 1 << 30;

export class TmpfsSuper extends SuperBlock {
  constructor(fs: FsState, name = 'tmpfs', dev?: number) {
    super(fs, name, TMPFS_MAGIC, dev);
    this.xattr = true;
    this.posixAcl = true;
  }
  bytes = 0;
  override newGeneration(): number {
    return this.fs.inodeGeneration();
  }
  /** Names in use (shmem_reserve_inode: every inode and every extra hard link takes one), the root's included. */
  inodes = 1;
  /** size= and nr_inodes=: a page or inode count, a share of RAM (size=N%), or unset for Linux's default, half of RAM. */
  maxBlocks: number | { percent: number } | null = null;
  maxInodes: number | null = null;

  /** shmem_statfs: limits from the mount options or half of RAM (shmem_default_max_blocks/_inodes). */
  override statfs(ramPages = 0) {
    const s = super.statfs();
    const half = Math.floor(ramPages / 2);
    const mb = this.maxBlocks;
    const blocks = mb === null ? half : typeof mb === 'number' ? mb : Math.floor((ramPages * mb.percent) / 100);
    const files = this.maxInodes ?? half;
    const used = Math.ceil(this.bytes / 4096);
    const bfree = Math.max(0, blocks - used);
    return { ...s, blocks, bfree, bavail: bfree, files, ffree: Math.max(0, files - this.inodes) };
  }
}

/** memparse: a number with an optional k/m/g/t/p/e suffix (powers of 1024); NaN if malformed. */
function memparse(v: string): number {
  const m = /^(0x[0-9a-fA-F]+|[0-9]+)([kKmMgGtTpPeE]?)$/.exec(v);
  if (!m) return NaN;
  const shift = { '': 0, k: 10, m: 20, g: 30, t: 40, p: 50, e: 60 }[m[2]!.toLowerCase()]!;
  return Number(m[1]) * 2 ** shift;
}

function initOwner(inode: Inode, dir: Dentry, cred: FsCred): void {
  inode.uid = cred.fsuid;
  // setgid directories hand their group (and the bit, for subdirectories) down.
  if (dir.inode.mode & S_ISGID) {
    inode.gid = dir.inode.gid;
    if (isDir(inode.mode)) inode.mode |= S_ISGID;
  } else inode.gid = cred.fsgid;
}

function countNames(sb: SuperBlock, n: number): void {
  if (sb instanceof TmpfsSuper) sb.inodes += n;
}

export class TmpfsDir extends Inode {
  /** Fills the dentry's children on first use (lazy host-backed directories). */
  populate: ((self: Dentry) => void) | null = null;

  constructor(sb: SuperBlock, mode: number) {
    super(sb, (mode & ~S_IFMT) | S_IFDIR);
    this.nlink = 2;
    this.size = 40; // BOGO_DIRENT_SIZE for . and .. (shmem_get_inode)
  }

  override get blocks(): number {
    return 0;
  }

  ensure(dir: Dentry): void {
    const p = this.populate;
    if (p) {
      this.populate = null;
      p(dir);
    }
  }

  override lookup(dir: Dentry, name: string): Inode | null {
    this.ensure(dir);
    return dir.children.get(name)?.inode ?? null;
  }

  override readdir(dir: Dentry): DirEntry[] {
    this.ensure(dir);
    const out: DirEntry[] = [];
    for (const d of dir.children.values()) out.push({ name: d.name, ino: d.inode.ino, type: dtype(d.inode.mode) });
    return out;
  }

  protected add(dir: Dentry, name: string, inode: Inode, cred: FsCred): Inode | number {
    this.ensure(dir);
    if (dir.children.has(name)) return -EEXIST;
    initOwner(inode, dir, cred);
    dir.addChild(new Dentry(name, dir, inode));
    countNames(this.sb, 1);
    this.size += 20; // Linux's BOGO_DIRENT_SIZE
    this.touchM();
    return inode;
  }

  override create(dir: Dentry, name: string, mode: number, cred: FsCred): Inode | number {
    return this.add(dir, name, new TmpfsFile(this.sb, mode), cred);
  }
  /** shmem_tmpfile: an unnamed file, owned as a file created here would be. */
  override tmpfile(dir: Dentry, mode: number, cred: FsCred): Inode | number {
    const f = new TmpfsFile(this.sb, mode);
    initOwner(f, dir, cred);
    f.nlink = 0;
    return f;
  }
  override mkdir(dir: Dentry, name: string, mode: number, cred: FsCred): Inode | number {
    const r = this.add(dir, name, new TmpfsDir(this.sb, mode), cred);
    if (typeof r !== 'number') this.nlink++;
    return r;
  }
  override mknod(dir: Dentry, name: string, mode: number, rdev: number, cred: FsCred): Inode | number {
    const n = new TmpfsSpecial(this.sb, mode, rdev);
    return this.add(dir, name, n, cred);
  }
  override symlink(dir: Dentry, name: string, target: Uint8Array, cred: FsCred): Inode | number {
    return this.add(dir, name, new TmpfsSymlink(this.sb, target), cred);
  }
  override link(dir: Dentry, name: string, target: Inode): number {
    this.ensure(dir);
    if (dir.children.has(name)) return -EEXIST;
    target.nlink++;
    target.touchC();
    dir.addChild(new Dentry(name, dir, target));
    countNames(this.sb, 1);
    this.size += 20;
    this.touchM();
    return 0;
  }
  override unlink(dir: Dentry, name: string, victim: Dentry): number {
    dir.children.delete(name);
    countNames(this.sb, -1);
    victim.inode.nlink--;
    victim.inode.touchC();
    if (victim.inode instanceof TmpfsFile) victim.inode.maybeFree();
    this.size -= 20;
    this.touchM();
    return 0;
  }
  override rmdir(dir: Dentry, name: string, victim: Dentry): number {
    const v = victim.inode as TmpfsDir;
    v.ensure(victim);
    if (victim.children.size) return -ENOTEMPTY;
    dir.children.delete(name);
    countNames(this.sb, -1);
    v.nlink = 0;
    this.nlink--;
    this.size -= 20;
    this.touchM();
    return 0;
  }
  override rename(oldDir: Dentry, old: Dentry, newDir: Dentry, newName: string): number {
    const target = newDir.children.get(newName);
    const moving = old.inode;
    if (target) {
      if (isDir(target.inode.mode)) {
        if (!isDir(moving.mode)) return -EISDIR;
        (target.inode as TmpfsDir).ensure(target);
        if (target.children.size) return -ENOTEMPTY;
        newDir.inode.nlink--;
        target.inode.nlink = 0;
      } else {
        target.inode.nlink--;
        if (target.inode instanceof TmpfsFile) target.inode.maybeFree();
      }
      newDir.inode.size -= 20;
      countNames(this.sb, -1);
    }
    oldDir.children.delete(old.name);
    oldDir.inode.size -= 20;
    old.name = newName;
    newDir.addChild(old);
    newDir.inode.size += 20;
    if (isDir(moving.mode) && oldDir !== newDir) {
      oldDir.inode.nlink--;
      newDir.inode.nlink++;
    }
    oldDir.inode.touchM();
    newDir.inode.touchM();
    moving.touchC();
    return 0;
  }
  /** shmem_exchange: each dentry takes the other's place; a directory changing parent moves a link with it. */
  override exchange(oldDir: Dentry, old: Dentry, newDir: Dentry, target: Dentry): number {
    const oldName = old.name,
      newName = target.name;
    oldDir.children.delete(oldName);
    newDir.children.delete(newName);
    old.name = newName;
    target.name = oldName;
    newDir.addChild(old);
    oldDir.addChild(target);
    if (oldDir !== newDir) {
      const d = (isDir(old.inode.mode) ? 1 : 0) - (isDir(target.inode.mode) ? 1 : 0);
      oldDir.inode.nlink -= d;
      newDir.inode.nlink += d;
    }
    oldDir.inode.touchM();
    newDir.inode.touchM();
    old.inode.touchC();
    target.inode.touchC();
    return 0;
  }
}

const fileOps: FileOps = {
  copiesWrite: true,
  read(f, buf, pos) {
    const ino = f.inode as TmpfsFile;
    if (pos >= ino.size) return 0;
    const n = Math.min(buf.length, ino.size - pos);
    ino.readBytes(pos, buf.subarray(0, n));
    return n;
  },
  write(f, src, pos) {
    const ino = f.inode as TmpfsFile;
    // shmem_write_begin: write seals refuse every write, the grow seal any that extends the file.
    if (ino.seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) return -EPERM;
    if (ino.seals & F_SEAL_GROW && pos + src.length > ino.size) return -EPERM;
    if (pos + src.length > MAX_FILE) return -EFBIG;
    if (pos + src.length > ino.size) ino.setSize(pos + src.length);
    ino.writeBytes(pos, src);
    ino.touchM();
    return src.length;
  },
  release(f) {
    const ino = f.inode as TmpfsFile;
    ino.opens--;
    ino.maybeFree();
  },
};

/**
 * A regular file. Its data is its page cache (the file's AddressSpace, when
 * the superblock has a page cache); `buf` is the store behind it, holding
 * the pages not cached and the written-back ones, as swap or a disk would.
 */
export class TmpfsFile extends Inode implements PageBacking {
  private buf: Uint8Array = new Uint8Array(0);
  /** Content fetched on first access (host-backed image files). */
  loader: (() => Uint8Array) | null = null;
  /** Guest-made files live in memory only (shmem); image files have the host image behind them. */
  swapBacked = true;
  /** Open file descriptions: an unlinked file's pages go when the last one and the last mapping do. */
  opens = 0;
  private cache: AddressSpace | null = null;
  /**
   * Pages shmem has allocated (in the cache or swapped): written, or faulted
   * in by a mapping. The rest below EOF are holes (SEEK_HOLE); reads and
   * fallocate leave them so, as shmem reads holes as the zero page.
   */
  private readonly present = new Set<number>();
  /** memfd seals (F_ADD_SEALS); every tmpfs file starts sealed against sealing. */
  seals = F_SEAL_SEAL;

  constructor(sb: SuperBlock, mode: number) {
    super(sb, (mode & ~S_IFMT) | S_IFREG);
  }

  override get mapping(): AddressSpace | null {
    if (!this.cache && this.sb.pageCache) this.cache = new AddressSpace(this.sb.pageCache, this, this.swapBacked);
    return this.cache;
  }

  data(): Uint8Array {
    if (this.loader) {
      const l = this.loader;
      this.loader = null;
      this.buf = l();
    }
    return this.buf;
  }

  readPage(index: number, dst: Uint8Array): void {
    const d = this.data();
    const off = index * 4096;
    if (off < this.size) dst.set(d.subarray(off, Math.min(this.size, off + 4096, d.length)));
  }

  writePage(index: number, src: Uint8Array): void {
    const off = index * 4096;
    const n = Math.min(4096, this.size - off);
    if (n <= 0) return;
    this.ensureCapacity(off + n);
    this.buf.set(src.subarray(0, n), off);
  }

  /** File bytes [pos, pos+dst.length), within EOF. */
  readBytes(pos: number, dst: Uint8Array): void {
    const m = this.mapping;
    if (m) {
      m.read(pos, dst);
      return;
    }
    dst.set(this.data().subarray(pos, pos + dst.length));
  }

  writeBytes(pos: number, src: Uint8Array): void {
    if (src.length) for (let i = Math.floor(pos / 4096); i <= Math.floor((pos + src.length - 1) / 4096); i++) this.present.add(i);
    const m = this.mapping;
    if (m) {
      m.write(pos, src);
      return;
    }
    this.ensureCapacity(pos + src.length);
    this.data().set(src, pos);
  }

  /** The whole file as one buffer (exec reads images this way): dirty pages are written back first. */
  contents(): Uint8Array {
    this.cache?.writeback();
    this.ensureCapacity(this.size);
    return this.data().subarray(0, this.size);
  }

  /** Free the pages of a file nobody can reach any more (unlinked, closed, unmapped). */
  maybeFree(): void {
    if (this.nlink > 0 || this.opens > 0 || (this.cache && this.cache.vmas.size > 0) || this.freed) return;
    this.freed = true;
    this.cache?.clear();
    this.buf = new Uint8Array(0);
    (this.sb as TmpfsSuper).bytes -= this.size;
  }

  private freed = false;

  unmapped(): void {
    this.maybeFree();
  }

  faulted(index: number): void {
    this.present.add(index);
  }

  /** FALLOC_FL_PUNCH_HOLE zeroed [from, to): the whole pages in it are gone again. */
  punched(from: number, to: number): void {
    for (let i = Math.ceil(from / 4096); i < Math.floor(to / 4096); i++) this.present.delete(i);
  }

  /**
   * shmem_file_llseek's mapping_seek_hole_data, a page at a time. Image files
   * (the host's bytes behind them) are all data.
   */
  override seekHoleData(off: number, data: boolean): number {
    const size = this.size;
    if (off < 0 || off >= size) return -ENXIO;
    const isData = (i: number) => !this.swapBacked || this.present.has(i);
    const last = Math.ceil(size / 4096);
    for (let i = Math.floor(off / 4096); i < last; i++) {
      if (isData(i) === data) return Math.min(Math.max(off, i * 4096), size);
    }
    return data ? -ENXIO : size;
  }

  ensureCapacity(n: number): void {
    const d = this.data();
    if (n <= d.length) return;
    const grown = new Uint8Array(Math.max(n, Math.min(d.length * 2, n + (1 << 24))));
    grown.set(d.subarray(0, this.size));
    this.buf = grown;
  }

  setSize(n: number): void {
    (this.sb as TmpfsSuper).bytes += n - this.size;
    this.size = n;
  }

  override open(_f: File): FileOps {
    this.opens++;
    return fileOps;
  }

  override truncate(size: number): number {
    if (size < 0) return -EINVAL;
    if ((size < this.size && this.seals & F_SEAL_SHRINK) || (size > this.size && this.seals & F_SEAL_GROW)) return -EPERM;
    if (size > MAX_FILE) return -EFBIG;
    const d = this.data();
    if (size < this.size) {
      for (const i of [...this.present]) if (i >= Math.ceil(size / 4096)) this.present.delete(i);
      // Pages past the new EOF leave every mapping (a later touch is SIGBUS) and the cache.
      this.cache?.truncate(size);
      d.fill(0, size, Math.min(this.size, d.length));
    } else if (!this.cache) this.ensureCapacity(size);
    this.setSize(size);
    this.touchM();
    return 0;
  }

  override readAt(off: number, dst: Uint8Array): void {
    dst.fill(0);
    if (off < this.size) this.readBytes(off, dst.subarray(0, Math.min(dst.length, this.size - off)));
  }
}

export class TmpfsSymlink extends Inode {
  constructor(
    sb: SuperBlock,
    readonly target: Uint8Array,
  ) {
    super(sb, S_IFLNK | 0o777);
    this.size = target.length;
  }
  override get blocks(): number {
    return 0;
  }
  override readlink(): Uint8Array {
    return this.target;
  }
}

/** Device nodes, FIFOs and sockets: the inode only names the object. */
export class TmpfsSpecial extends Inode {
  constructor(sb: SuperBlock, mode: number, rdev: number) {
    super(sb, mode);
    this.rdev = rdev;
  }
  override get blocks(): number {
    return 0;
  }
  override open(f: File, opener?: Task): FileOps | number | Blocked {
    return openSpecial(this, f, opener);
  }
}

/** A fresh tmpfs: its superblock and root dentry. */
export function makeTmpfs(fs: FsState, name = 'tmpfs', mode = 0o1777): { sb: TmpfsSuper; root: Dentry } {
  const sb = new TmpfsSuper(fs, name);
  const rootInode = new TmpfsDir(sb, mode);
  return { sb, root: new Dentry('/', null, rootInode) };
}

/**
 * mount -t tmpfs: the options shmem_parse_one knows (mode, uid, gid, size,
 * nr_inodes, ...); /proc/mounts shows those that differ from the defaults.
 */
export function mountTmpfs(fs: FsState, data: string): { sb: TmpfsSuper; root: Dentry; options: string[] } | number {
  let mode = 0o1777,
    uid = 0,
    gid = 0;
  const shown: string[] = [];
  const limits: { blocks: TmpfsSuper['maxBlocks']; inodes: number | null } = { blocks: null, inodes: null };
  for (const opt of data.split(',').filter(Boolean)) {
    const [key, val = ''] = opt.split('=', 2);
    const num = (radix: number) => (/^[0-9a-fA-F]+$/.test(val) ? parseInt(val, radix) : NaN);
    switch (key) {
      case 'mode':
        mode = num(8) & 0o7777;
        if (Number.isNaN(mode)) return -EINVAL;
        break;
      case 'uid':
        uid = num(10);
        if (Number.isNaN(uid)) return -EINVAL;
        break;
      case 'gid':
        gid = num(10);
        if (Number.isNaN(gid)) return -EINVAL;
        break;
      case 'size':
      case 'nr_blocks': {
        // size= in bytes (rounded up to pages) or a percentage of RAM; nr_blocks= in pages.
        if (key === 'size' && val.endsWith('%')) {
          const pc = Number(val.slice(0, -1));
          if (!/^[0-9]+%$/.test(val)) return -EINVAL;
          limits.blocks = { percent: pc };
        } else {
          const n = memparse(val);
          if (Number.isNaN(n)) return -EINVAL;
          limits.blocks = key === 'size' ? Math.ceil(n / 4096) : n;
        }
        if (typeof limits.blocks === 'number') shown.push(`size=${limits.blocks * 4}k`);
        break;
      }
      case 'nr_inodes': {
        const n = memparse(val);
        if (Number.isNaN(n)) return -EINVAL;
        limits.inodes = n;
        shown.push(`nr_inodes=${n}`);
        break;
      }
      case 'huge':
      case 'mpol':
      case 'inode32':
      case 'inode64':
      case 'noswap':
      case 'quota':
      case 'usrquota':
      case 'grpquota':
        break;
      default:
        return -EINVAL;
    }
  }
  const made = makeTmpfs(fs, 'tmpfs', mode);
  made.sb.maxBlocks = limits.blocks;
  made.sb.maxInodes = limits.inodes;
  made.root.inode.uid = uid;
  made.root.inode.gid = gid;
  if (mode !== 0o1777) shown.push(`mode=${mode.toString(8).padStart(3, '0')}`);
  if (uid) shown.push(`uid=${uid}`);
  if (gid) shown.push(`gid=${gid}`);
  return { ...made, options: shown };
}
