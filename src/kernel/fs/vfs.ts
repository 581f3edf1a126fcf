// The VFS: the mount tree and the operations the syscall layer builds on
// (resolve a path relative to a task, open, create).
import { fsnotifyChange, fsnotifyCreate, fsnotifyOpen, IN_MODIFY } from './fsnotify.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { Dentry } from './dentry.js';
import { WaitQueue } from '../sched/waitqueue.js';
import { Mount, type Path } from './mount.js';
import { FsStruct, walk, walkParent, lookupChild, isMagic, type WalkCtx, pathString } from './namei.js';
import { FdTable } from './fdtable.js';
import { makeTmpfs, mountTmpfs, type TmpfsSuper } from './tmpfs.js';
import { FsState } from './fs_state.js';
import type { Nsfs } from './nsfs.js';
import { makeMemfdMount, type MemfdMount } from './memfd.js';
import { makeShmSuper } from '../mm/shmem.js';
import { attachImage } from './image.js';
import {
  File,
  type FileOps,
  O_CREAT,
  O_EXCL,
  O_DIRECTORY,
  O_NOFOLLOW,
  O_TRUNC,
  O_PATH,
  O_NOATIME,
  O_ACCMODE,
  O_RDONLY,
  O_WRONLY,
  O_RDWR,
  O_NOCTTY,
  O_APPEND,
  O_TMPFILE,
} from './file.js';
import { isDir, isLnk, isReg, S_IFREG, type Inode } from './inode.js';
import { EBADF, EEXIST, EINVAL, EISDIR, ELOOP, ENOENT, ENOTDIR, EPERM, EROFS, ETXTBSY } from '../errno.js';
import { FS_APPEND_FL, FS_IMMUTABLE_FL } from './xattr.js';
import { ownerOrCapable } from '../security/commoncap.js';
import type { SuperBlock } from './superblock.js';
import type { Blocked } from '../syscalls/result.js';
import { FsRegistry } from './filesystems.js';
import { breakLease } from '../syscalls/locks.js';
import { mountExt4 } from './ext4/fs_type.js';

export const AT_FDCWD = -100,
  AT_SYMLINK_NOFOLLOW = 0x100,
  AT_REMOVEDIR = 0x200,
  AT_SYMLINK_FOLLOW = 0x400,
  AT_NO_AUTOMOUNT = 0x800,
  AT_EMPTY_PATH = 0x1000,
  AT_EACCESS = 0x200;

/** Directories: readable only through getdents. */
const dirOps: FileOps = { read: () => -EISDIR, write: () => -EISDIR };
/** O_PATH files: no I/O at all. */
const pathOps: FileOps = { read: () => -EBADF, write: () => -EBADF };

export class Vfs {
  readonly rootMnt: Mount;
  readonly mounts: Mount[] = [];
  /** mnt_namespace's event and poll: the count of mount table changes, and where /proc/PID/mounts pollers wait for the next. */
  mntEvent = 0;
  readonly mntPoll = new WaitQueue();
  readonly fsTypes = new FsRegistry();
  /** What this machine's file systems share: the file clock, device numbers, mount ids, char devices. */
  readonly fs: FsState;
  /** nsfs_mnt, made on first use (fs/nsfs.ts). */
  nsfs: Nsfs | null = null;
  private shm: TmpfsSuper | null = null;
  private memfd: MemfdMount | null = null;

  constructor(readonly k: Kernel) {
    this.fs = new FsState(() => {
      const ns = k.clock.realtime();
      return { sec: Math.floor(ns / 1e9), nsec: ns % 1e9 };
    });
    const { sb, root } = makeTmpfs(this.fs, 'rootfs', 0o755);
    sb.pageCache = k.pageCache;
    if (k.host.image) attachImage(sb, root, k.host.image, '');
    this.rootMnt = new Mount(sb, root, null, null, 'rootfs');
    this.mounts.push(this.rootMnt);
    this.fsTypes.register('tmpfs', (data) => mountTmpfs(this.fs, data));
    // ext4 serves the ext2 and ext3 names too (CONFIG_EXT4_USE_FOR_EXT2), with those drivers' feature checks.
    const ext4Host = { printk: (level: number, text: string) => k.log.printk(level, text), comm: () => k.current?.comm ?? 'mount' };
    for (const name of ['ext3', 'ext2', 'ext4'] as const) this.fsTypes.register(name, (data, ctx) => mountExt4(this.fs, ext4Host, name, data, ctx));
  }

  /** shm_mnt's superblock: shared anonymous mappings (mm/shmem.ts). */
  get shmSuper(): TmpfsSuper {
    return (this.shm ??= makeShmSuper(this.fs, this.k.pageCache));
  }
  /** The internal mount memfd_create's files live on (fs/memfd.ts). */
  get memfdMount(): MemfdMount {
    return (this.memfd ??= makeMemfdMount(this.fs, this.k.pageCache));
  }

  get root(): Path {
    return { mnt: this.rootMnt, dentry: this.rootMnt.root };
  }

  newFdTable(): FdTable {
    return new FdTable();
  }
  newFsStruct(): FsStruct {
    return new FsStruct(this.root, this.root);
  }

  /** Attach a file system's root at an absolute path (creating the directory if missing). */
  mountAt(path: string, sb: SuperBlock, root: Dentry, source: string, flags: string[] = ['rw']): Mount | number {
    const ctx: WalkCtx = { root: this.root, cred: { fsuid: 0, fsgid: 0, groups: [] }, depth: 0 };
    let p = walk(ctx, this.root, path, true);
    if (p === -ENOENT) {
      const par = walkParent(ctx, this.root, path);
      if (typeof par === 'number') return par;
      const r = par.dir.dentry.inode.mkdir(par.dir.dentry, par.name, 0o755, { fsuid: 0, fsgid: 0, groups: [] });
      if (typeof r === 'number') return r;
      p = walk(ctx, this.root, path, true);
    }
    if (typeof p === 'number') return p;
    return this.attach(p, sb, root, source, flags);
  }

  /** Graft a new mount of (sb, root) over the location p. */
  attach(p: Path, sb: SuperBlock, root: Dentry, source: string, flags: string[]): Mount {
    sb.pageCache ??= this.k.pageCache;
    const m = new Mount(sb, root, p.dentry, p.mnt, source, flags);
    m.covered = p.dentry.mounted;
    p.dentry.mounted = m;
    this.mounts.push(m);
    return m;
  }

  /** Take a mount (and the mounts below it) out of the tree. */
  detach(m: Mount): void {
    for (const c of this.mounts.filter((x) => x.parent === m)) this.detach(c);
    const i = this.mounts.indexOf(m);
    if (i >= 0) this.mounts.splice(i, 1);
    if (m.mountpoint && m.mountpoint.mounted === m) m.mountpoint.mounted = m.covered;
    // deactivate_super: the last mount of a file system lets it write back and mark itself clean.
    if (!this.mounts.some((x) => x.sb === m.sb)) m.sb.putSuper();
  }

  ctx(t: Task): WalkCtx {
    return { root: t.fs.root, cred: { fsuid: t.cred.fsuid, fsgid: t.cred.fsgid, groups: t.cred.groups, capEff: t.cred.capEff }, depth: 0 };
  }

  /** Starting point for *at() calls. */
  startAt(t: Task, dirfd: number, path: string): Path | number {
    if (path.startsWith('/')) return t.fs.root;
    if (dirfd === AT_FDCWD) return t.fs.cwd;
    const f = t.files.get(dirfd);
    if (!f) return -EBADF;
    if (path.length && !isDir(f.inode.mode)) return -ENOTDIR;
    return f.path;
  }

  resolve(t: Task, dirfd: number, path: Uint8Array | string, follow: boolean, emptyOk = false): Path | number {
    const s = pathString(path);
    if (s.length === 0) {
      if (!emptyOk) return -ENOENT;
      if (dirfd === AT_FDCWD) return t.fs.cwd;
      const f = t.files.get(dirfd);
      return f ? f.path : -EBADF;
    }
    const start = this.startAt(t, dirfd, s);
    if (typeof start === 'number') return start;
    return walk(this.ctx(t), start, s, follow);
  }

  resolveParent(t: Task, dirfd: number, path: Uint8Array | string) {
    const s = pathString(path);
    const start = this.startAt(t, dirfd, s);
    if (typeof start === 'number') return start;
    return walkParent(this.ctx(t), start, s);
  }

  /** open(2)/openat(2) up to a File (not yet in the fd table); BLOCKED while a FIFO's open waits. */
  open(t: Task, dirfd: number, pathBytes: Uint8Array, flags: number, mode: number): File | number | Blocked {
    const path = pathString(pathBytes);
    if (path.length === 0) return -ENOENT;
    const start = this.startAt(t, dirfd, path);
    if (typeof start === 'number') return start;
    if (flags & O_TMPFILE & ~O_DIRECTORY) return this.openTmpfile(t, start, path, flags, mode);
    return this.openFrom(t, start, path, flags, mode, 0);
  }

  /**
   * O_TMPFILE (do_tmpfile, vfs_tmpfile): a regular file with no name in the
   * directory the path names, open for writing. Its dentry is "#ino", never
   * hashed, so /proc/PID/fd shows "DIR/#ino (deleted)"; without O_EXCL
   * linkat may give it a name later.
   */
  private openTmpfile(t: Task, start: Path, path: string, flags: number, mode: number): File | number {
    // build_open_flags: O_DIRECTORY must come with it, O_CREAT must not, and the file is opened to write.
    if ((flags & (O_TMPFILE | O_CREAT)) !== O_TMPFILE) return -EINVAL;
    const acc = flags & O_ACCMODE;
    if (acc !== O_WRONLY && acc !== O_RDWR) return -EINVAL;
    const ctx = this.ctx(t);
    const dir = walk(ctx, start, path, !(flags & O_NOFOLLOW));
    if (typeof dir === 'number') return dir;
    const di = dir.dentry.inode;
    if (!isDir(di.mode)) return -ENOTDIR;
    if (dir.mnt.flags.includes('ro')) return -EROFS;
    const perm = di.permission(3, ctx.cred); // MAY_WRITE | MAY_EXEC
    if (perm < 0) return perm;
    const inode = di.tmpfile(dir.dentry, S_IFREG | (mode & 0o7777 & ~t.fs.umask), ctx.cred);
    if (typeof inode === 'number') return inode;
    if (!(flags & O_EXCL)) inode.linkable = true;
    const p: Path = { mnt: dir.mnt, dentry: new Dentry(`#${inode.ino}`, dir.dentry, inode) };
    const f = new File(p, inode, flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY), dirOps);
    const ops = inode.open(f, t);
    if (typeof ops !== 'object') {
      inode.openFiles--; // the file never opened: it holds nothing
      return typeof ops === 'number' ? ops : -EINVAL; // a new regular file never waits
    }
    f.ops = ops;
    inode.writecount++;
    f.writeAccess = 1;
    fsnotifyOpen(f);
    return f;
  }

  private openFrom(t: Task, start: Path, path: string, flags: number, mode: number, depth: number): File | number | Blocked {
    const ctx = this.ctx(t);
    let p: Path | number;
    let created = false;
    if (flags & O_CREAT) {
      const par = walkParent(ctx, start, path);
      if (typeof par === 'number') return par;
      if (par.trailingSlash) return -EISDIR;
      const dir = par.dir;
      const existing = par.name === '.' || par.name === '..' ? null : lookupChild(dir.dentry, par.name);
      if (typeof existing === 'number') return existing;
      if (existing) {
        if (flags & O_EXCL) return -EEXIST;
        // O_CREAT through a dangling symlink creates its target; a magic link
        // (/proc/PID/fd/N) jumps to its open file instead, as walk does.
        const li = existing.inode;
        if (isLnk(li.mode) && !(flags & O_NOFOLLOW) && !isMagic(li)) {
          const target = li.readlink();
          if (typeof target === 'number') return target;
          if (depth >= 40) return -ELOOP;
          return this.openFrom(t, dir, pathString(target), flags, mode, depth + 1);
        }
        p = walk(ctx, dir, par.name, !(flags & O_NOFOLLOW));
        if (typeof p === 'number') return p;
      } else if (par.name === '.' || par.name === '..' || par.name === '/') {
        return -EISDIR;
      } else {
        const di = dir.dentry.inode;
        if (di.nlink === 0) return -ENOENT; // the directory was removed
        const perm = di.permission(3, ctx.cred);
        if (perm < 0) return perm;
        if (dir.mnt.flags.includes('ro')) return -EROFS;
        const r = di.create(dir.dentry, par.name, S_IFREG | (mode & 0o7777 & ~t.fs.umask), ctx.cred);
        if (typeof r === 'number') return r;
        created = true;
        const d = lookupChild(dir.dentry, par.name);
        if (typeof d === 'number') return d;
        if (!d) return -ENOENT;
        fsnotifyCreate(dir.dentry, par.name, d.inode);
        p = { mnt: dir.mnt, dentry: d };
      }
    } else {
      p = walk(ctx, start, path, !(flags & O_NOFOLLOW));
      if (typeof p === 'number') return p;
    }
    return this.openPath(t, p, flags, created);
  }

  /**
   * do_open on a path already found (file_open_root's empty name for
   * open_by_handle_at): the checks of may_open, then the file's own open.
   */
  openPath(t: Task, p: Path, flags: number, created = false): File | number | Blocked {
    const ctx = this.ctx(t);
    const inode = p.dentry.inode;
    if (isLnk(inode.mode) && !(flags & O_PATH)) return -ELOOP;
    if (flags & O_DIRECTORY && !isDir(inode.mode)) return -ENOTDIR;
    const acc = flags & O_ACCMODE;
    if (flags & O_PATH) return new File(p, inode, flags, pathOps);
    // may_open: only the owner (or CAP_FOWNER) may keep reads from updating atime.
    if (flags & O_NOATIME && !ownerOrCapable(t.cred, inode)) return -EPERM;
    if (isDir(inode.mode) && (acc !== O_RDONLY || (flags & O_CREAT && !created))) return -EISDIR;
    if (!created) {
      let mask = 0;
      if (acc === O_RDONLY || acc === O_RDWR) mask |= 4;
      if (acc === O_WRONLY || acc === O_RDWR || flags & O_TRUNC) mask |= 2;
      const perm = inode.permission(mask, ctx.cred);
      if (perm < 0) return perm;
      if (mask & 2 && p.mnt.flags.includes('ro')) return -EROFS;
      // may_open: immutable files take no writes; append-only ones only appends, never O_TRUNC.
      if (mask & 2 && inode.iflags & FS_IMMUTABLE_FL) return -EPERM;
      if (inode.iflags & FS_APPEND_FL && ((acc !== O_RDONLY && !(flags & O_APPEND)) || flags & O_TRUNC)) return -EPERM;
    }
    // do_dentry_open's get_write_access: a program running from the file denies writers.
    const writer = isReg(inode.mode) && acc !== O_RDONLY;
    if (writer && inode.writecount < 0) return -ETXTBSY;
    // do_dentry_open's break_lease: another open of a leased file breaks the lease.
    if (isReg(inode.mode) && inode.flctx) {
      const r = breakLease(this.k, inode, flags);
      if (r < 0) return r;
    }
    // O_NOCTTY is seen by the device's open (tty_open), then dropped as do_dentry_open does.
    const f = new File(p, inode, flags & ~(O_CREAT | O_EXCL | O_TRUNC), dirOps);
    if (isDir(inode.mode)) {
      f.flags &= ~O_NOCTTY;
      fsnotifyOpen(f);
      return f;
    }
    const ops = inode.open(f, t);
    f.flags &= ~O_NOCTTY;
    if (typeof ops !== 'object') {
      inode.openFiles--; // the file never opened (an error, or a FIFO open that waits and is made again)
      return ops;
    }
    f.ops = ops;
    // do_dentry_open's fsnotify_open: IN_OPEN comes before the truncate's IN_MODIFY.
    fsnotifyOpen(f);
    // do_open: a file this open created is not truncated (FMODE_CREATED drops O_TRUNC), so it has no IN_MODIFY.
    if (flags & O_TRUNC && !created && isReg(inode.mode) && acc !== O_RDONLY) {
      const r = inode.truncate(0);
      if (r < 0) return r;
      fsnotifyChange(p.dentry, IN_MODIFY);
    }
    if (writer) {
      inode.writecount++;
      f.writeAccess = 1;
    } else if (isReg(inode.mode)) {
      inode.readcount++;
      f.readAccess = true;
    }
    return f;
  }
}

export type { Inode };
