// Pipes as Linux keeps them (fs/pipe.c): a ring of pipe_buffers, each a page
// with an offset and a length. A write first tops up the last page when the
// part of it that is not a whole page fits there, then fills fresh pages, one
// slot each; capacity is counted in slots (16 by default), so a pipe written
// in small pieces holds less than 64 KiB. A write of at most PIPE_BUF bytes
// either merges whole or takes a fresh page whole, which makes it atomic.
import { EAGAIN, EPIPE, ENOTTY, EFAULT, EBUSY, EINVAL, EPERM } from '../errno.js';
import { BLOCKED } from '../syscalls/result.js';
import { WaitQueue } from '../sched/waitqueue.js';
import {
  File,
  type FileOps,
  O_NONBLOCK,
  O_DIRECT,
  O_ACCMODE,
  O_RDONLY,
  O_WRONLY,
  O_RDWR,
  POLLIN,
  POLLOUT,
  POLLHUP,
  POLLERR,
  POLLRDNORM,
  POLLWRNORM,
} from './file.js';
import { Inode, S_IFIFO } from './inode.js';
import type { SuperBlock } from './superblock.js';
import { Dentry } from './dentry.js';
import type { Mount } from './mount.js';

export const PAGE_SIZE = 4096;
export const PIPE_BUF = 4096;
export const PIPE_DEF_BUFFERS = 16;
/** What a user over pipe-user-pages-soft gets for a new pipe. */
export const PIPE_MIN_DEF_BUFFERS = 2;
export const PIPE_DEF_SIZE = PIPE_DEF_BUFFERS * PAGE_SIZE;

export interface PipeBuffer {
  page: Uint8Array;
  offset: number;
  len: number;
  /** Anonymous pages written by write(2) take more bytes; spliced or packet ones do not. */
  canMerge: boolean;
  /** O_DIRECT "packet mode": each write is one record, read whole or truncated. */
  packet: boolean;
}

/** Pages charged to each user (pipe-user-pages-soft/hard), per kernel. */
export class PipeAccounting {
  readonly pages = new Map<number, number>();
  charge(uid: number, n: number): number {
    const v = (this.pages.get(uid) ?? 0) + n;
    if (v) this.pages.set(uid, v);
    else this.pages.delete(uid);
    return v;
  }
}

export class Pipe {
  /** Occupied slots, oldest first (tail to head). */
  bufs: PipeBuffer[] = [];
  /** Slots the pipe may fill (max_usage); F_GETPIPE_SZ is this many pages. */
  maxUsage: number;
  readers = 0;
  writers = 0;
  /** Opens ever made for reading and writing: a FIFO opener waits for the other count to move. */
  rCounter = 0;
  wCounter = 0;
  readWait = new WaitQueue();
  writeWait = new WaitQueue();
  /** Wait queue of FIFO openers waiting for a partner. */
  openWait = new WaitQueue();
  /** Openers of a FIFO sleeping for a partner count as readers/writers while they wait. */
  pending = new Set<{ reader: boolean; writer: boolean; live(): boolean }>();
  /**
   * Pages readers emptied, kept for the next writes (Linux keeps one, tmp_page,
   * next to a fast page allocator; a fresh typed array costs more here).
   */
  private freePages: Uint8Array[] = [];
  constructor(
    slots = PIPE_DEF_BUFFERS,
    readonly acct: { uid: number; book: PipeAccounting } | null = null,
  ) {
    this.maxUsage = slots;
  }

  get capacity(): number {
    return this.maxUsage * PAGE_SIZE;
  }
  /** Bytes queued (FIONREAD). */
  get len(): number {
    let n = 0;
    for (const b of this.bufs) n += b.len;
    return n;
  }
  get full(): boolean {
    return this.bufs.length >= this.maxUsage;
  }
  get empty(): boolean {
    return this.bufs.length === 0;
  }

  private pendingCount(reader: boolean): number {
    let n = 0;
    for (const p of this.pending) {
      if (!p.live()) {
        this.pending.delete(p);
        continue;
      }
      if (reader ? p.reader : p.writer) n++;
    }
    return n;
  }
  hasReaders(): boolean {
    return this.readers > 0 || this.pendingCount(true) > 0;
  }
  hasWriters(): boolean {
    return this.writers > 0 || this.pendingCount(false) > 0;
  }

  /** Consume up to dst.length bytes (pipe_read's copy loop). */
  read(dst: Uint8Array): number {
    const wasFull = this.full;
    let n = 0;
    while (n < dst.length && this.bufs.length) {
      const b = this.bufs[0];
      const chars = Math.min(b.len, dst.length - n);
      dst.set(b.page.subarray(b.offset, b.offset + chars), n);
      n += chars;
      b.offset += chars;
      b.len -= chars;
      // A packet is read whole: the rest of it is dropped.
      if (b.packet) b.len = 0;
      if (b.len === 0) {
        this.bufs.shift();
        if (b.canMerge && b.page.length === PAGE_SIZE && this.freePages.length < this.maxUsage) this.freePages.push(b.page);
      }
      if (b.packet) break;
    }
    if (n && wasFull) this.writeWait.wakeAll();
    return n;
  }

  /** Copy without consuming (tee's source side). */
  peek(dst: Uint8Array): number {
    let n = 0;
    for (const b of this.bufs) {
      if (n >= dst.length) break;
      const chars = Math.min(b.len, dst.length - n);
      dst.set(b.page.subarray(b.offset, b.offset + chars), n);
      n += chars;
    }
    return n;
  }

  /**
   * pipe_write without sleeping: returns the bytes taken (0 when full).
   * `merge` is false for data that must start a fresh page (splice, O_DIRECT).
   */
  write(src: Uint8Array, opts: { merge?: boolean; packet?: boolean } = {}): number {
    const merge = opts.merge !== false && !opts.packet;
    let n = 0;
    const chars = src.length & (PAGE_SIZE - 1);
    if (merge && chars && this.bufs.length) {
      const last = this.bufs[this.bufs.length - 1];
      if (last.canMerge && last.offset + last.len + chars <= PAGE_SIZE) {
        last.page.set(src.subarray(0, chars), last.offset + last.len);
        last.len += chars;
        n = chars;
      }
    }
    while (n < src.length && !this.full) {
      const take = Math.min(PAGE_SIZE, src.length - n);
      // Only [offset, offset+len) of a page is ever read, so a reused page needs no clearing.
      const page = this.freePages.pop() ?? new Uint8Array(PAGE_SIZE);
      page.set(src.subarray(n, n + take));
      this.bufs.push({ page, offset: 0, len: take, canMerge: merge, packet: !!opts.packet });
      n += take;
    }
    if (n) this.readWait.wakeAll();
    return n;
  }

  /** pipe_resize_ring: the contents must fit the new number of slots. */
  resize(slots: number): number {
    if (slots < this.bufs.length) return -EBUSY;
    this.maxUsage = slots;
    this.writeWait.wakeAll();
    return 0;
  }
}

export class PipeInode extends Inode {
  constructor(
    sb: SuperBlock,
    readonly pipe: Pipe,
  ) {
    super(sb, S_IFIFO | 0o600);
  }
  /** Reopening through /proc/PID/fd/N attaches another reader or writer. */
  override open(f: File): FileOps {
    const acc = f.flags & O_ACCMODE;
    if (acc === O_RDONLY || acc === O_RDWR) {
      this.pipe.readers++;
      this.pipe.rCounter++;
    }
    if (acc === O_WRONLY || acc === O_RDWR) {
      this.pipe.writers++;
      this.pipe.wCounter++;
    }
    return pipeOps;
  }
}

/** Which pipe a file is an end of: an anonymous pipe's inode, or a FIFO's current pipe (i_pipe). */
export function pipeOf(f: File): Pipe | null {
  if (f.ops !== pipeOps) return null;
  const i = f.inode as Inode & { pipe?: Pipe };
  return i.pipe ?? (f.inode.iPipe as Pipe | null);
}

export const pipeOps: FileOps = {
  stream: true,
  copiesWrite: true,
  read(f, buf, _pos, w) {
    const p = pipeOf(f)!;
    if (buf.length === 0) return 0;
    if (p.empty) {
      if (!p.hasWriters()) return 0;
      if (f.flags & O_NONBLOCK) return -EAGAIN;
      w.sleepOn(p.readWait);
      return BLOCKED;
    }
    return p.read(buf);
  },
  write(f, data, _pos, w) {
    const p = pipeOf(f)!;
    if (!p.hasReaders()) return -EPIPE;
    if (data.length === 0) return 0;
    const n = p.write(data, { packet: (f.flags & O_DIRECT) !== 0 });
    if (n) return n;
    if (f.flags & O_NONBLOCK) return -EAGAIN;
    w.sleepOn(p.writeWait);
    return BLOCKED;
  },
  ioctl(f, cmd, arg, io) {
    if (cmd !== 0x541b /* FIONREAD */) return -ENOTTY;
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, pipeOf(f)!.len, true);
    return io.write(arg, b) ? 0 : -EFAULT;
  },
  poll(f, wait) {
    const p = pipeOf(f)!;
    if (wait) {
      if (f.readable) wait(p.readWait);
      if (f.writable) wait(p.writeWait);
    }
    let m = 0;
    if (f.readable) {
      if (!p.empty) m |= POLLIN | POLLRDNORM;
      if (!p.hasWriters() && f.fifoSeenWriters !== p.wCounter) m |= POLLHUP;
    }
    if (f.writable) {
      if (!p.full) m |= POLLOUT | POLLWRNORM;
      if (!p.hasReaders()) m |= POLLERR;
    }
    return m;
  },
  release(f) {
    const p = pipeOf(f);
    if (!p) return;
    if (f.readable) p.readers--;
    if (f.writable) p.writers--;
    p.readWait.wakeAll();
    p.writeWait.wakeAll();
    // free_pipe_info: the last end is gone (a FIFO opener still waiting keeps it).
    if (!p.hasReaders() && !p.hasWriters()) {
      // A FIFO lost its last reader and writer: its pipe (and any data in it) goes.
      if (!(f.inode instanceof PipeInode) && f.inode.iPipe === p) f.inode.iPipe = null;
      p.acct?.book.charge(p.acct.uid, -p.maxUsage);
    }
  },
};

/** Who creates a pipe: its pages are charged to this user, and root is exempt from the limits. */
export interface PipeOwner {
  uid: number;
  /** CAP_SYS_RESOURCE or CAP_SYS_ADMIN: exempt from the per-user page limits (pipe_is_unprivileged_user). */
  privileged: boolean;
  /** CAP_SYS_RESOURCE alone: may size a pipe past /proc/sys/fs/pipe-max-size. */
  overMaxSize: boolean;
}

export interface PipeLimits {
  maxSize: number;
  userPagesSoft: number;
  userPagesHard: number;
  book: PipeAccounting;
}

const tooMany = (limit: number, pages: number) => limit > 0 && pages > limit;

/** alloc_pipe_info: 16 slots, fewer when pipe-max-size or the user's soft limit says so; null past the hard limit. */
export function allocPipe(lim: PipeLimits, owner: PipeOwner): Pipe | null {
  let slots = PIPE_DEF_BUFFERS;
  if (slots * PAGE_SIZE > lim.maxSize && !owner.overMaxSize) slots = Math.floor(lim.maxSize / PAGE_SIZE);
  let pages = lim.book.charge(owner.uid, slots);
  if (tooMany(lim.userPagesSoft, pages) && !owner.privileged) {
    pages = lim.book.charge(owner.uid, PIPE_MIN_DEF_BUFFERS - slots);
    slots = PIPE_MIN_DEF_BUFFERS;
  }
  if (tooMany(lim.userPagesHard, pages) && !owner.privileged) {
    lim.book.charge(owner.uid, -slots);
    return null;
  }
  return new Pipe(slots, { uid: owner.uid, book: lim.book });
}

/** round_pipe_size: at least a page, a power of two of pages; 0 past 2^31. */
export function roundPipeSize(size: number): number {
  if (size > 2 ** 31) return 0;
  if (size < PAGE_SIZE) return PAGE_SIZE;
  return 2 ** Math.ceil(Math.log2(size));
}

/** pipe_set_size (F_SETPIPE_SZ): the new size in bytes, or -errno. */
export function setPipeSize(p: Pipe, arg: number, lim: PipeLimits, owner: PipeOwner): number {
  const size = roundPipeSize(arg >>> 0);
  const slots = size / PAGE_SIZE;
  if (!slots) return -EINVAL;
  const accounted = p.acct ? p.maxUsage : 0;
  if (slots > accounted && size > lim.maxSize && !owner.overMaxSize) return -EPERM;
  const uid = p.acct?.uid ?? owner.uid;
  const pages = lim.book.charge(uid, slots - accounted);
  const revert = () => lim.book.charge(uid, accounted - slots);
  if (slots > accounted && (tooMany(lim.userPagesHard, pages) || tooMany(lim.userPagesSoft, pages)) && !owner.privileged) {
    revert();
    return -EPERM;
  }
  const r = p.resize(slots);
  if (r < 0) {
    revert();
    return r;
  }
  if (!p.acct) lim.book.charge(uid, -slots);
  return p.maxUsage * PAGE_SIZE;
}

/** pipe2(): two open files sharing one pipe. */
export function createPipe(mnt: Mount, flags: number, pipe: Pipe = new Pipe()): [File, File] {
  const inode = new PipeInode(mnt.sb.fs.pipeSb, pipe);
  const dentry = new Dentry(`pipe:[${inode.ino}]`, null, inode);
  const path = { mnt, dentry };
  pipe.readers = 1;
  pipe.writers = 1;
  pipe.rCounter = 1;
  pipe.wCounter = 1;
  const extra = flags & (O_NONBLOCK | O_DIRECT);
  return [new File(path, inode, O_RDONLY | (flags & O_NONBLOCK), pipeOps), new File(path, inode, O_WRONLY | extra, pipeOps)];
}
