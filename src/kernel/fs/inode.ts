// The inode: one file system object (file, directory, symlink, device, fifo)
// with its attributes. File systems subclass it and override the operations
// they support; the defaults answer as Linux does for objects that lack them.
import type { FileLockContext } from './locks.js';
import { EACCES, EINVAL, ENOTDIR, EPERM, EIO, EOPNOTSUPP } from '../errno.js';
import type { Dentry } from './dentry.js';
import type { File, FileOps } from './file.js';
import type { SuperBlock } from './superblock.js';
import type { Timespec } from './fs_state.js';
import type { FsnotifyMark } from './fsnotify.js';
import type { AddressSpace } from '../mm/filemap.js';
import type { AclEntry } from './posix_acl.js';
import type { Task } from '../sched/task.js';
import type { Blocked } from '../syscalls/result.js';

export const S_IFMT = 0o170000,
  S_IFSOCK = 0o140000,
  S_IFLNK = 0o120000,
  S_IFREG = 0o100000,
  S_IFBLK = 0o060000,
  S_IFDIR = 0o040000,
  S_IFCHR = 0o020000,
  S_IFIFO = 0o010000;
export const S_ISUID = 0o4000,
  S_ISGID = 0o2000,
  S_ISVTX = 0o1000;

export const isDir = (m: number) => (m & S_IFMT) === S_IFDIR;
export const isReg = (m: number) => (m & S_IFMT) === S_IFREG;
export const isLnk = (m: number) => (m & S_IFMT) === S_IFLNK;

/** Credentials as the VFS sees them (fsuid/fsgid decide access). */
/** Who asks, for permission checks; capEff is the effective capability set (absent: fsuid 0 has them all). */
export interface FsCred {
  fsuid: number;
  fsgid: number;
  groups: number[];
  capEff?: bigint;
}

/** Whether an FsCred holds a capability (capable(), for callers that pass ids alone). */
export function fsCapable(cred: FsCred, cap: number): boolean {
  return cred.capEff === undefined ? cred.fsuid === 0 : (cred.capEff & (1n << BigInt(cap))) !== 0n;
}

/** d_type values of getdents64. */
export const DT_UNKNOWN = 0,
  DT_FIFO = 1,
  DT_CHR = 2,
  DT_DIR = 4,
  DT_BLK = 6,
  DT_REG = 8,
  DT_LNK = 10,
  DT_SOCK = 12;
export function dtype(mode: number): number {
  return (mode & S_IFMT) >>> 12;
}

export interface DirEntry {
  name: string;
  ino: number;
  type: number;
}

export abstract class Inode {
  mode: number;
  uid = 0;
  gid = 0;
  nlink = 1;
  rdev = 0;
  size = 0;
  atime: Timespec;
  mtime: Timespec;
  ctime: Timespec;
  /** Birth time (statx's stx_btime where the file system keeps one). */
  readonly btime: Timespec;
  /** Whether btime is known (statx's STATX_BTIME): file systems that keep a birth time say so per inode. */
  hasBtime = false;
  readonly ino: number;
  /** Extended attributes by full name (Linux's simple_xattrs), for file systems that keep them. */
  xattrs: Map<string, Uint8Array> | null = null;
  /** POSIX ACLs beyond what the mode says (null: the mode alone), see posix_acl.ts. */
  aclAccess: AclEntry[] | null = null;
  aclDefault: AclEntry[] | null = null;
  /** FS_IOC_GETFLAGS bits (FS_IMMUTABLE_FL, FS_APPEND_FL, ...). */
  iflags = 0;
  /** A FIFO's pipe while anyone has it open (i_pipe; fs/fifo.ts). */
  iPipe: unknown = null;
  /** i_generation: told apart from an earlier inode with the same number (file handles, FS_IOC_GETVERSION). */
  generation = 0;
  /** i_fsnotify_marks: the inotify watches on this inode (fs/fsnotify.ts). */
  fsnotifyMarks: Set<FsnotifyMark> | null = null;
  /**
   * Open files on the inode: with no name left, the last one's release stands
   * for the eviction that sends IN_DELETE_SELF (fsnotify_inoderemove).
   */
  openFiles = 0;
  /** A socket inode's bound AF_UNIX socket, for connect by path (net/af_unix.ts). */
  unixSock: unknown = null;
  /** The inode's file locks (i_flctx), made on first lock. */
  flctx: FileLockContext | null = null;
  /**
   * i_writecount: open files that may write (> 0), or running programs that
   * deny writing (< 0, deny_write_access); the two exclude each other (ETXTBSY).
   */
  writecount = 0;
  /** i_readcount: open files that may only read (check_conflicting_open counts them for write leases). */
  readcount = 0;
  /**
   * I_LINKABLE: an O_TMPFILE file opened without O_EXCL, which linkat may
   * give a name although its link count is 0 (any other such inode is ENOENT).
   */
  linkable = false;

  constructor(
    readonly sb: SuperBlock,
    mode: number,
    ino?: number,
  ) {
    this.mode = mode;
    this.ino = ino ?? sb.nextIno();
    this.generation = sb.newGeneration();
    const t = sb.fs.now();
    this.atime = t;
    this.mtime = t;
    this.ctime = t;
    this.btime = t;
  }

  /** st_blksize: the preferred I/O size (a disk file system's block size). */
  get blksize(): number {
    return 4096;
  }

  /** 512-byte blocks, for st_blocks. */
  get blocks(): number {
    return Math.ceil(this.size / 4096) * 8;
  }

  touchM(): void {
    const t = this.sb.fs.now();
    this.mtime = t;
    this.ctime = t;
  }
  touchC(): void {
    this.ctime = this.sb.fs.now();
  }

  // ---- directory operations (dir is the dentry of this inode) ----
  /** Find a child not already in the dentry cache; null = does not exist; -errno = the lookup failed (EIO, a damaged directory). */
  lookup(_dir: Dentry, _name: string): Inode | null | number {
    return null;
  }
  /** Children for getdents, besides "." and "..". */
  readdir(_dir: Dentry): DirEntry[] | number {
    return -ENOTDIR;
  }
  create(_dir: Dentry, _name: string, _mode: number, _cred: FsCred): Inode | number {
    return -EPERM;
  }
  mkdir(_dir: Dentry, _name: string, _mode: number, _cred: FsCred): Inode | number {
    return -EPERM;
  }
  mknod(_dir: Dentry, _name: string, _mode: number, _rdev: number, _cred: FsCred): Inode | number {
    return -EPERM;
  }
  symlink(_dir: Dentry, _name: string, _target: Uint8Array, _cred: FsCred): Inode | number {
    return -EPERM;
  }
  link(_dir: Dentry, _name: string, _target: Inode): number {
    return -EPERM;
  }
  /** O_TMPFILE: a new regular file in this directory with no name (link count 0); EOPNOTSUPP where the file system has none. */
  tmpfile(_dir: Dentry, _mode: number, _cred: FsCred): Inode | number {
    return -EOPNOTSUPP;
  }
  unlink(_dir: Dentry, _name: string, _victim: Dentry): number {
    return -EPERM;
  }
  rmdir(_dir: Dentry, _name: string, _victim: Dentry): number {
    return -EPERM;
  }
  rename(_oldDir: Dentry, _old: Dentry, _newDir: Dentry, _newName: string): number {
    return -EPERM;
  }
  /** RENAME_EXCHANGE: the two names swap their inodes; a filesystem without it refuses with EINVAL. */
  exchange(_oldDir: Dentry, _old: Dentry, _newDir: Dentry, _target: Dentry): number {
    return -EINVAL;
  }

  // ---- other objects ----
  readlink(): Uint8Array | number {
    return -EINVAL;
  }
  /** Called at open: choose the file operations. `opener` is the task, for opens that sleep (FIFOs: BLOCKED). */
  open(_file: File, _opener?: Task): FileOps | number | Blocked {
    return -EIO;
  }
  truncate(_size: number): number {
    return -EINVAL;
  }
  /**
   * SEEK_DATA (data) or SEEK_HOLE from off, for a filesystem that knows where
   * its holes are; null: generic_file_llseek's view (all data, one hole at EOF).
   */
  seekHoleData(_off: number, _data: boolean): number | null {
    return null;
  }
  /** For mmap of this file: read file bytes at off into dst. */
  readAt(_off: number, _dst: Uint8Array): void {}
  /** The page cache of the file's data (i_mapping); null for files without one. */
  get mapping(): AddressSpace | null {
    return null;
  }

  /** Linux's generic_permission. mask: 4 read, 2 write, 1 exec/search. */
  permission(mask: number, cred: FsCred): number {
    const mode = this.mode;
    let bits: number;
    if (cred.fsuid === this.uid) bits = mode >> 6;
    else if (cred.fsgid === this.gid || cred.groups.includes(this.gid)) bits = mode >> 3;
    else bits = mode;
    const want = mask & 7;
    if ((bits & want) === want) return 0;
    // CAP_DAC_OVERRIDE: everything on a directory; on a file, all but executing one with no x bit at all.
    if (fsCapable(cred, 1 /* CAP_DAC_OVERRIDE */) && (isDir(mode) || !(mask & 1) || mode & 0o111)) return 0;
    // CAP_DAC_READ_SEARCH: reading files, reading and searching directories.
    if (fsCapable(cred, 2 /* CAP_DAC_READ_SEARCH */) && (want === 4 || (isDir(mode) && !(mask & 2)))) return 0;
    return -EACCES;
  }
}
