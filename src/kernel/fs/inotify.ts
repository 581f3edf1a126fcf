// inotify (fs/notify/inotify): an instance is a file holding watches (an
// fsnotify mark per watched inode, numbered by a watch descriptor) and a
// queue of struct inotify_event records read from it. An event equal to the
// last one queued is dropped (inotify_merge); past max_queued_events one
// IN_Q_OVERFLOW stands for the rest.
import { major, minor } from './special.js';
import { installFile } from '../syscalls/fs-io.js';
import { encodeFid } from '../syscalls/fhandle.js';
import { userPath } from '../syscalls/uaccess.js';
import { EAGAIN, EBADF, EEXIST, EFAULT, EINVAL, ENOTDIR, ENOTTY, EMFILE, ENOSPC } from '../errno.js';
import { BLOCKED, type SyscallResult } from '../syscalls/result.js';
import { O_CLOEXEC, O_NONBLOCK, O_RDONLY, POLLIN, type File, type FileOps } from './file.js';
import { anonInodeFile } from './anon_inodes.js';
import { WaitQueue } from '../sched/waitqueue.js';
import { isDir, type Inode } from './inode.js';
import {
  addMark,
  removeMark,
  IN_ALL_EVENTS,
  IN_DONT_FOLLOW,
  IN_EXCL_UNLINK,
  IN_IGNORED,
  IN_ISDIR,
  IN_MASK_ADD,
  IN_MASK_CREATE,
  IN_ONESHOT,
  IN_ONLYDIR,
  IN_Q_OVERFLOW,
  type FsnotifyMark,
} from './fsnotify.js';
import { inotifyMaxQueuedEvents as maxQueued, inotifyMaxUserInstances as maxInstances, inotifyMaxUserWatches as maxWatches } from '../sysctl/fs.js';
import type { Kernel } from '../kernel.js';
import type { SyscallArgs } from '../syscalls/args.js';
import type { Task } from '../sched/task.js';

const IN_CLOEXEC = O_CLOEXEC,
  IN_NONBLOCK = O_NONBLOCK;
const EVENT_SIZE = 16;
const VALID = IN_ALL_EVENTS | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK | IN_MASK_ADD | IN_MASK_CREATE | IN_ONESHOT;

interface InotifyEvent {
  wd: number;
  mask: number;
  cookie: number;
  name: string | null;
}

class Watch implements FsnotifyMark {
  constructor(
    readonly group: InotifyGroup,
    readonly wd: number,
    readonly inode: Inode,
    public mask: number,
  ) {}
  handle(mask: number, name: string | null, cookie: number, _inode: Inode, unlinked = false): void {
    if (mask === IN_IGNORED) {
      this.group.dropWatch(this, false);
      return;
    }
    // IN_EXCL_UNLINK: no more file events (open, access, modify, close) once the file's name is gone.
    if (unlinked && this.mask & IN_EXCL_UNLINK) return;
    this.group.queue({ wd: this.wd, mask: mask & (IN_ALL_EVENTS | IN_ISDIR), cookie, name });
    if (this.mask & IN_ONESHOT) this.group.dropWatch(this, true);
  }
}

class InotifyGroup {
  readonly events: InotifyEvent[] = [];
  readonly watches = new Map<number, Watch>();
  readonly byInode = new Map<Inode, Watch>();
  readonly wait = new WaitQueue();
  private lastWd = 0;
  overflowed = false;
  constructor(
    readonly kernel: Kernel,
    readonly maxEvents: number,
  ) {}

  queue(e: InotifyEvent): void {
    const last = this.events[this.events.length - 1];
    if (last && last.wd === e.wd && last.mask === e.mask && last.cookie === e.cookie && last.name === e.name) return;
    if (this.events.length >= this.maxEvents) {
      if (last?.mask !== IN_Q_OVERFLOW) this.events.push({ wd: -1, mask: IN_Q_OVERFLOW, cookie: 0, name: null });
      this.wait.wakeAll();
      return;
    }
    this.events.push(e);
    this.wait.wakeAll();
  }

  /** idr_alloc_cyclic from 1. */
  newWd(): number {
    let wd = this.lastWd + 1;
    while (this.watches.has(wd) || wd > 0x7fffffff) wd = wd > 0x7fffffff ? 1 : wd + 1;
    this.lastWd = wd;
    return wd;
  }

  /** The watch ends; IN_IGNORED tells the reader. */
  dropWatch(w: Watch, unmark: boolean): void {
    if (this.watches.get(w.wd) !== w) return;
    this.watches.delete(w.wd);
    this.byInode.delete(w.inode);
    if (unmark) removeMark(w.inode, w);
    this.queue({ wd: w.wd, mask: IN_IGNORED, cookie: 0, name: null });
  }

  static size(e: InotifyEvent): number {
    return EVENT_SIZE + (e.name === null ? 0 : Math.ceil((utf8(e.name).length + 1) / EVENT_SIZE) * EVENT_SIZE);
  }
}

const enc = new TextEncoder();
const utf8 = (s: string) => enc.encode(s);

const groupOf = (f: File): InotifyGroup | null => (f.privateData instanceof InotifyGroup ? f.privateData : null);

function inotifyOps(g: InotifyGroup): FileOps {
  return {
    stream: true,
    read(f, buf, _pos, w) {
      if (g.events.length === 0) {
        if (f.flags & O_NONBLOCK) return -EAGAIN;
        w.sleepOn(g.wait);
        return BLOCKED;
      }
      let n = 0;
      while (g.events.length) {
        const e = g.events[0];
        const size = InotifyGroup.size(e);
        if (n + size > buf.length) break;
        const dv = new DataView(buf.buffer, buf.byteOffset + n);
        dv.setInt32(0, e.wd, true);
        dv.setUint32(4, e.mask >>> 0, true);
        dv.setUint32(8, e.cookie, true);
        dv.setUint32(12, size - EVENT_SIZE, true);
        if (e.name !== null) buf.set(utf8(e.name), n + EVENT_SIZE);
        n += size;
        g.events.shift();
      }
      return n || -EINVAL;
    },
    poll(_f, wait) {
      wait?.(g.wait);
      return g.events.length ? POLLIN : 0;
    },
    ioctl(_f, cmd, arg, io) {
      if (cmd !== 0x541b /* FIONREAD */) return -ENOTTY;
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(
        0,
        g.events.reduce((n, e) => n + InotifyGroup.size(e), 0),
        true,
      );
      return io.write(arg, b) ? 0 : -EFAULT;
    },
    // inotify_fdinfo: one line per watch, newest first (the group's mark list), the mask as the caller gave it,
    // then show_mark_fhandle: the inode's FID (exportfs_encode_fid), bytes in hex.
    showFdinfo() {
      let out = '';
      for (const w of [...g.watches.values()].reverse()) {
        const dev = w.inode.sb.dev;
        const sdev = (major(dev) << 20) | minor(dev); // the kernel's dev_t, as s_dev is printed
        const mask = w.mask & (IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK);
        const fid = encodeFid(w.inode);
        const bytes = new Uint8Array(Uint32Array.from(fid.words).buffer); // little-endian words, as the handle is stored
        const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
        out += `inotify wd:${w.wd.toString(16)} ino:${w.inode.ino.toString(16)} sdev:${sdev.toString(16)} mask:${(mask >>> 0).toString(16)} ignored_mask:0 `;
        out += `fhandle-bytes:${bytes.length.toString(16)} fhandle-type:${fid.type.toString(16)} f_handle:${hex}\n`;
      }
      return out;
    },
    release() {
      for (const w of [...g.watches.values()]) removeMark(w.inode, w);
      g.watches.clear();
      g.byInode.clear();
      g.kernel.inotifyInstances--;
    },
  };
}

export function sys_inotify_init1(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const flags = a.int(0);
  if (flags & ~(IN_CLOEXEC | IN_NONBLOCK)) return -EINVAL;
  if (k.inotifyInstances >= maxInstances.get(k)) return -EMFILE;
  const g = new InotifyGroup(k, maxQueued.get(k));
  k.inotifyInstances++;
  const f = anonInodeFile(k.vfs.rootMnt, 'inotify', O_RDONLY | (flags & O_NONBLOCK), inotifyOps(g));
  f.privateData = g;
  return installFile(t, f, (flags & IN_CLOEXEC) !== 0);
}

export function sys_inotify_add_watch(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = t.files.get(a.int(0));
  if (!f) return -EBADF;
  const mask = a.int(2) >>> 0;
  if (!(mask & IN_ALL_EVENTS)) return -EINVAL;
  if (mask & IN_MASK_ADD && mask & IN_MASK_CREATE) return -EINVAL;
  if (mask & ~VALID) return -EINVAL;
  const g = groupOf(f);
  if (!g) return -EINVAL;
  const path = userPath(t, a.ulong(1));
  if (typeof path === 'number') return path;
  const p = k.vfs.resolve(t, -100 /* AT_FDCWD */, path, !(mask & IN_DONT_FOLLOW));
  if (typeof p === 'number') return p;
  const inode = p.dentry.inode;
  if (mask & IN_ONLYDIR && !isDir(inode.mode)) return -ENOTDIR;
  const perm = inode.permission(4, { fsuid: t.cred.fsuid, fsgid: t.cred.fsgid, groups: t.cred.groups, capEff: t.cred.capEff });
  if (perm < 0) return perm;
  const keep = mask & ~(IN_MASK_ADD | IN_MASK_CREATE | IN_DONT_FOLLOW | IN_ONLYDIR);
  const old = g.byInode.get(inode);
  if (old) {
    if (mask & IN_MASK_CREATE) return -EEXIST;
    old.mask = mask & IN_MASK_ADD ? old.mask | keep : keep;
    return old.wd;
  }
  if (g.watches.size >= maxWatches.get(k)) return -ENOSPC;
  const w = new Watch(g, g.newWd(), inode, keep);
  g.watches.set(w.wd, w);
  g.byInode.set(inode, w);
  addMark(inode, w);
  return w.wd;
}

export function sys_inotify_rm_watch(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = t.files.get(a.int(0));
  if (!f) return -EBADF;
  const g = groupOf(f);
  if (!g) return -EINVAL;
  const w = g.watches.get(a.int(1));
  if (!w) return -EINVAL;
  g.dropWatch(w, true);
  return 0;
}
