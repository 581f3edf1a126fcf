// The open file description: shared by dup'd descriptors and across fork.
import type { Cred } from '../sched/task.js';
import type { Inode } from './inode.js';
import type { Path } from './mount.js';
import type { WaitQueue } from '../sched/waitqueue.js';
import type { Blocked } from '../syscalls/result.js';
import { locksRemoveFile } from './locks.js';
import { fsnotifyClose, fsnotifyLastClose } from './fsnotify.js';

export const O_RDONLY = 0,
  O_WRONLY = 1,
  O_RDWR = 2,
  O_ACCMODE = 3,
  O_CREAT = 0o100,
  O_EXCL = 0o200,
  O_NOCTTY = 0o400,
  O_TRUNC = 0o1000,
  O_APPEND = 0o2000,
  O_NONBLOCK = 0o4000,
  O_DSYNC = 0o10000,
  O_ASYNC = 0o20000,
  O_DIRECT = 0o40000,
  O_LARGEFILE = 0o100000,
  O_DIRECTORY = 0o200000,
  O_NOFOLLOW = 0o400000,
  O_NOATIME = 0o1000000,
  O_CLOEXEC = 0o2000000,
  O_PATH = 0o10000000,
  O_TMPFILE = 0o20000000 | O_DIRECTORY;

export const SEEK_SET = 0,
  SEEK_CUR = 1,
  SEEK_END = 2,
  SEEK_DATA = 3,
  SEEK_HOLE = 4;

export const POLLIN = 1,
  POLLPRI = 2,
  POLLOUT = 4,
  POLLERR = 8,
  POLLHUP = 16,
  POLLNVAL = 32,
  POLLRDNORM = 0x40,
  POLLWRNORM = 0x100;

/** Who is doing the I/O: blocking operations park this waiter on a queue. */
export interface IoWaiter {
  /** Sleep on q; the operation then returns BLOCKED and is retried when woken. */
  sleepOn(q: WaitQueue): void;
  readonly pid: number;
  /** The caller's credentials, for checks made at the time of the call (a sysctl's capable()). */
  readonly cred?: Cred;
}

export interface FileOps {
  /** Read into buf at pos; returns bytes, -errno, or BLOCKED (after w.sleepOn). */
  read?(f: File, buf: Uint8Array, pos: number, w: IoWaiter): number | Blocked;
  write?(f: File, data: Uint8Array, pos: number, w: IoWaiter): number | Blocked;
  /** Seekable files update pos by themselves; streams leave it alone. */
  readonly stream?: boolean;
  /** One write call is one message (eventfd): a short count ends the write(2). */
  readonly oneShotWrite?: boolean;
  /** mmap_zero (/dev/zero): a private mapping is anonymous memory, a shared one a new shmem object. */
  readonly mapsZero?: boolean;
  /** write() copies what it keeps before returning, so its data may be a reused buffer. */
  readonly copiesWrite?: boolean;
  ioctl?(f: File, cmd: number, arg: number, io: IoctlIo): number | Blocked;
  /** Ready events now; register on `wait` the queues that will announce a change (Linux's poll_wait). */
  poll?(f: File, wait?: (q: WaitQueue) => void): number;
  /** A file with its own idea of position (/dev/kmsg): the new offset or -errno. */
  llseek?(f: File, offset: number, whence: number): number;
  release?(f: File): void;
  /** fsync/fdatasync for a file with something to write back (a block device): 0 or -errno. */
  fsync?(f: File): number;
  /** Extra lines of /proc/PID/fdinfo/N after the common ones (epoll's "tfd:" lines). */
  showFdinfo?(f: File): string;
}

/** What ties an open file to the epoll instances watching it (the file's f_ep list). */
export interface EpollLink {
  unlink(): void;
}

/** User-memory access for ioctl arguments. */
export interface IoctlIo {
  read(addr: number, len: number): Uint8Array | null;
  write(addr: number, data: Uint8Array): boolean;
  readonly pid: number;
  readonly pgrp: number;
  readonly sid: number;
  /** The caller's credentials, for the commands that need a capability. */
  readonly cred: Cred;
}

export class File {
  pos = 0;
  refs = 1;
  /** Per-open state for directory iteration. */
  dirCursor: string[] | null = null;
  /** Epoll interest-list items watching this file: removed when it is released (eventpoll_release). */
  epollLinks: Set<EpollLink> | null = null;
  /** F_SETOWN/F_SETOWN_EX: who hears SIGIO and lease breaks (f_owner); pid 0 is nobody. */
  fown: { type: number; pid: number; signum: number } | null = null;
  /** O_ASYNC's hook on the file's wait queues (fs/fasync.ts), while the flag is set. */
  fasync: { fd: number; remove(): void } | null = null;
  /** This file's dnotify requests on its directory (fs/dnotify.ts), ended with it. */
  dnotify: { remove(): void } | null = null;
  /** The object behind an anon-inode file (private_data): an epoll instance, a timerfd, a pidfd's process... */
  privateData: unknown = null;
  /** f_pipe: the writer count a FIFO reader opened with O_NONBLOCK saw (no POLLHUP before a writer came). */
  fifoSeenWriters = 0;
  /** What this file holds on inode.writecount: +1 a writer (get_write_access), -1 a running program's denial. */
  writeAccess: -1 | 0 | 1 = 0;
  /** Whether this file counts in inode.readcount (opened to read only, i_readcount_inc). */
  readAccess = false;
  constructor(
    public path: Path,
    public inode: Inode,
    public flags: number,
    public ops: FileOps,
  ) {
    inode.openFiles++;
  }

  get readable(): boolean {
    return (this.flags & O_ACCMODE) !== O_WRONLY && !(this.flags & O_PATH);
  }
  get writable(): boolean {
    return (this.flags & O_ACCMODE) !== O_RDONLY && !(this.flags & O_PATH);
  }

  get(): File {
    this.refs++;
    return this;
  }
  put(): void {
    if (--this.refs !== 0) return;
    if (this.epollLinks) for (const l of [...this.epollLinks]) l.unlink();
    this.fasync?.remove();
    this.dnotify?.remove();
    if (this.inode.flctx) locksRemoveFile(this);
    fsnotifyClose(this); // __fput's fsnotify_close
    this.ops.release?.(this);
    // put_write_access / allow_write_access
    this.inode.writecount -= this.writeAccess;
    this.writeAccess = 0;
    if (this.readAccess) this.inode.readcount--;
    this.readAccess = false;
    if (--this.inode.openFiles === 0) fsnotifyLastClose(this.inode);
  }
}
