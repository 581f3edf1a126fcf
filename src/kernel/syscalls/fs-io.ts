// File descriptor I/O: open, close, read, write and friends, dup, fcntl, pipe2, ioctl.
import { fasyncSet } from '../fs/fasync.js';
import { fcntlDirnotify } from '../fs/dnotify.js';
import { capable, ownerOrCapable, CAP_FSETID, CAP_SYS_ADMIN, CAP_SYS_RESOURCE } from '../security/commoncap.js';
import { NR } from './nr.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { ENFILE, EBADF, EFAULT, EINVAL, ESPIPE, EPIPE, ENOTTY, EOVERFLOW, EISDIR, EPERM, EXDEV, EOPNOTSUPP, ENXIO } from '../errno.js';
import { BLOCKED, type Blocked, type SyscallResult } from './result.js';
import {
  O_APPEND,
  O_DSYNC,
  O_CLOEXEC,
  O_NONBLOCK,
  O_PATH,
  O_DIRECT,
  O_ASYNC,
  O_NOATIME,
  O_LARGEFILE,
  SEEK_SET,
  SEEK_CUR,
  SEEK_END,
  SEEK_DATA,
  SEEK_HOLE,
  type File,
} from '../fs/file.js';
import { createPipe, allocPipe, pipeOf, setPipeSize, type PipeLimits } from '../fs/pipe.js';
import '../fs/fifo.js';
import { fsnotifyAccess, fsnotifyModify } from '../fs/fsnotify.js';
import { pipeMaxSize, dirNotifyEnable, pipeUserPagesSoft, pipeUserPagesHard } from '../sysctl/fs.js';
import { userPath } from './uaccess.js';
import { sendSignal } from '../signal/deliver.js';
import { SIGPIPE, SI_USER } from '../signal/signals.js';
import { isReg, isDir } from '../fs/inode.js';
import { writeLimit } from '../fs/limits.js';
import { FS_APPEND_FL } from '../fs/xattr.js';
import { RLIMIT_NOFILE } from '../sched/threadgroup.js';
import { addSeals, getSeals } from '../fs/memfd.js';
import { mappingWritablyMapped } from '../mm/mmap.js';
import { vfsIoctl } from '../fs/ioctl.js';
import type { SyscallArgs } from './args.js';
import {
  fcntlLock,
  fcntlOwner,
  fcntlSetLease,
  fcntlGetLease,
  F_SETLEASE,
  F_GETLEASE,
  F_GETLK,
  F_SETLK,
  F_SETLKW,
  F_OFD_GETLK,
  F_OFD_SETLK,
  F_OFD_SETLKW,
  F_SETOWN,
  F_GETOWN,
  F_SETOWN_EX,
  F_GETOWN_EX,
  F_SETSIG,
  F_GETSIG,
} from './locks.js';

const MAX_RW = 0x7ffff000;
const CHUNK = 1 << 20;

export function nofile(t: Task): number {
  return Number(t.tg.rlimits[RLIMIT_NOFILE][0]);
}

/**
 * file_remove_privs: a write by a task without CAP_FSETID clears the
 * set-user-ID bit, and the set-group-ID bit where group execute is set.
 */
function fileRemovePrivs(t: Task, f: File): void {
  const mode = f.inode.mode;
  if (!(mode & 0o6000) || !isReg(mode)) return;
  let kill = mode & 0o4000;
  if (mode & 0o2000 && mode & 0o010) kill |= 0o2000;
  if (!kill || capable(t.cred, CAP_FSETID)) return;
  f.inode.mode &= ~kill;
  f.inode.touchC();
}

export function installFile(t: Task, f: File, cloexec: boolean, min = 0): number {
  const fd = t.files.alloc(f, cloexec, min, nofile(t));
  if (fd < 0) f.put();
  return fd;
}

export function sys_openat(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const path = userPath(t, a.ulong(1));
  if (typeof path === 'number') return path;
  const flags = a.int(2);
  // Opening a FIFO may sleep for a partner: its state lives in t.sys across the restart.
  t.sys ??= { kind: 'fifo_open', nr: NR.openat, restart: 'sys', wait: null };
  const f = k.vfs.open(t, a.int(0), path, flags, a.int(3));
  if (typeof f !== 'object') return f;
  return installFile(t, f, (flags & O_CLOEXEC) !== 0);
}

export function sys_close(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return t.files.close(a.int(0));
}

export function sys_close_range(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const first = a.ulong(0) >>> 0,
    last = Math.min(a.ulong(1), 1 << 20),
    flags = a.int(2);
  if (first > last) return -EINVAL;
  for (let fd = first; fd <= last && fd < t.files.files.length; fd++) {
    if (!t.files.files[fd]) continue;
    if (flags & 4 /* CLOSE_RANGE_CLOEXEC */) t.files.cloexec[fd] = true;
    else t.files.close(fd);
  }
  return 0;
}

/**
 * One buffer for the common small read, filled by the file and copied out at
 * once (allocating a fresh buffer per read(2) cost more than the copy). A read op
 * never keeps the buffer it is given; `scratchBusy` covers a read that nests.
 */
const SCRATCH = 1 << 16;
const scratch = new Uint8Array(SCRATCH);
let scratchBusy = false;
/** The same for writes to files that copy their data (FileOps.copiesWrite). */
const wscratch = new Uint8Array(SCRATCH);
let wscratchBusy = false;

/** Read into user memory at addr; pos undefined = the file position. */
export function doRead(t: Task, f: File, addr: number, len: number, pos?: number): number | Blocked {
  if (!f.readable) return -EBADF;
  // generic_read_dir: read, pread and readv on any directory.
  if (isDir(f.inode.mode)) return -EISDIR;
  const read = f.ops.read;
  if (!read) return -EINVAL;
  len = Math.min(len, MAX_RW);
  if (len === 0) return 0;
  let total = 0;
  const seekable = !f.ops.stream;
  // A stream's data must not be consumed when it cannot be delivered (Linux copies straight into the buffer).
  if (!seekable && !t.mm.probeWritable(addr, Math.min(len, CHUNK))) return -EFAULT;
  for (;;) {
    const want = Math.min(len - total, CHUNK);
    const useScratch = want <= SCRATCH && !scratchBusy;
    // Zeroed as a fresh buffer would be: some files (/dev/zero, padded records) rely on it.
    const buf = useScratch ? scratch.subarray(0, want).fill(0) : new Uint8Array(want);
    if (useScratch) scratchBusy = true;
    let n: number | Blocked;
    try {
      n = read(f, buf, (pos ?? f.pos) + (pos !== undefined ? total : 0), t);
    } finally {
      if (useScratch) scratchBusy = false;
    }
    if (n === BLOCKED) return total > 0 ? total : BLOCKED;
    if (n < 0) return total > 0 ? total : n;
    if (n > 0 && !t.mm.write(addr + total, buf.subarray(0, n))) return total > 0 ? total : -EFAULT;
    if (pos === undefined && seekable) f.pos += n;
    total += n;
    // Streams return what they have; files keep going to fill the buffer.
    if (n < want || !seekable || total >= len) break;
  }
  return total;
}

export function doWrite(k: Kernel, t: Task, f: File, addr: number, len: number, pos?: number): number | Blocked {
  if (!f.writable) return -EBADF;
  const write = f.ops.write;
  if (!write) return -EINVAL;
  len = Math.min(len, MAX_RW);
  if (len === 0) return 0;
  let total = t.sys?.kind === 'write' ? t.sys.progress : 0;
  if (total === 0) fileRemovePrivs(t, f);
  const seekable = !f.ops.stream;
  while (total < len) {
    const want = Math.min(len - total, CHUNK);
    const useScratch = f.ops.copiesWrite === true && want <= SCRATCH && !wscratchBusy;
    const data = useScratch ? wscratch.subarray(0, want) : t.mm.read(addr + total, want);
    if (!data || (useScratch && !t.mm.readInto(addr + total, data))) return total > 0 ? total : -EFAULT;
    let at = pos !== undefined ? pos + total : f.pos;
    // Linux appends even for pwrite on an O_APPEND file (pwrite(2), BUGS).
    if (f.flags & O_APPEND) at = f.inode.size;
    // RLIMIT_FSIZE holds for regular files: cut the write at the limit, EFBIG and SIGXFSZ beyond it.
    let data2 = data;
    if (seekable && isReg(f.inode.mode)) {
      const room = writeLimit(k, t, at, data.length);
      if (room < 0) return total > 0 ? total : room;
      if (room < data.length) data2 = data.subarray(0, room);
    }
    if (useScratch) wscratchBusy = true;
    let n: number | Blocked;
    try {
      n = write(f, data2, at, t);
    } finally {
      if (useScratch) wscratchBusy = false;
    }
    if (n === BLOCKED) {
      t.sys = { kind: 'write', nr: t.sys?.nr ?? k.sysArgs.nr, restart: 'sys', progress: total };
      return BLOCKED;
    }
    if (n < 0) {
      if (n === -EPIPE) sendSignal(k, t.tg, { signo: SIGPIPE, code: SI_USER, pid: t.pid, uid: t.cred.uid }, t);
      return total > 0 ? total : n;
    }
    if (pos === undefined && seekable) f.pos = at + n;
    total += n;
    if (n < want && (seekable || f.ops.oneShotWrite)) break;
  }
  return total;
}

/** add_rchar/inc_syscr: a read that reached its file counts once, when it completes. */
function accountRead(t: Task, r: number | Blocked): number | Blocked {
  if (r !== BLOCKED) {
    t.ioac.syscr++;
    if (r > 0) t.ioac.rchar += r;
  }
  return r;
}
function accountWrite(t: Task, r: number | Blocked): number | Blocked {
  if (r !== BLOCKED) {
    t.ioac.syscw++;
    if (r > 0) t.ioac.wchar += r;
  }
  return r;
}

function fileOf(t: Task, fd: number): File | number {
  return t.files.get(fd) ?? -EBADF;
}

export function sys_read(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = fileOf(t, a.int(0));
  if (typeof f === 'number') return f;
  if (isDir(f.inode.mode) && f.readable) return -EISDIR;
  return accessed(f, accountRead(t, doRead(t, f, a.ulong(1), a.ulong(2))));
}

/** fsnotify_access / fsnotify_modify after a transfer that moved bytes. */
function accessed(f: File, r: number | Blocked): number | Blocked {
  if (r !== BLOCKED && r > 0) fsnotifyAccess(f);
  return r;
}
function modified(f: File, r: number | Blocked): number | Blocked {
  if (r !== BLOCKED && r > 0) fsnotifyModify(f);
  return r;
}

export function sys_write(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = fileOf(t, a.int(0));
  if (typeof f === 'number') return f;
  return modified(f, accountWrite(t, doWrite(k, t, f, a.ulong(1), a.ulong(2))));
}

export function sys_pread64(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pos = a.long(3);
  if (pos < 0) return -EINVAL;
  const f = fileOf(t, a.int(0));
  if (typeof f === 'number') return f;
  if (f.ops.stream) return -ESPIPE;
  return accessed(f, accountRead(t, doRead(t, f, a.ulong(1), a.ulong(2), pos)));
}

export function sys_pwrite64(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pos = a.long(3);
  if (pos < 0) return -EINVAL;
  const f = fileOf(t, a.int(0));
  if (typeof f === 'number') return f;
  if (f.ops.stream) return -ESPIPE;
  return modified(f, accountWrite(t, doWrite(k, t, f, a.ulong(1), a.ulong(2), pos)));
}

export function iovecs(t: Task, addr: number, cnt: number): [number, number][] | number {
  if (cnt < 0 || cnt > 1024) return -EINVAL;
  const raw = t.mm.read(addr, cnt * 16);
  if (!raw) return -EFAULT;
  const dv = new DataView(raw.buffer);
  const out: [number, number][] = [];
  let total = 0;
  for (let i = 0; i < cnt; i++) {
    const base = dv.getUint32(i * 16 + 4, true) * 4294967296 + dv.getUint32(i * 16, true);
    const len = dv.getUint32(i * 16 + 12, true) * 4294967296 + dv.getUint32(i * 16 + 8, true);
    if (len > 0x7fffffffffff) return -EINVAL;
    total += len;
    out.push([base, len]);
  }
  if (total > 0x7fffffffffff) return -EINVAL;
  return out;
}

/**
 * readv/writev and the positioned forms. `pos` undefined: the file position
 * (readv, and preadv2 with offset -1); otherwise that offset, which a stream
 * refuses with ESPIPE before anything is read (do_preadv checks FMODE_PREAD
 * first, so a pipe never blocks here).
 */
function vectored(k: Kernel, t: Task, a: SyscallArgs, write: boolean, pos: number | undefined): number | Blocked {
  if (pos !== undefined && pos < 0) return -EINVAL;
  const f = fileOf(t, a.int(0));
  if (typeof f === 'number') return f;
  if (pos !== undefined && f.ops.stream) return -ESPIPE;
  if (write ? !f.writable : !f.readable) return -EBADF;
  const iov = iovecs(t, a.ulong(1), a.int(2));
  if (typeof iov === 'number') return iov;
  let total = 0;
  const notify = (r: number | Blocked) => (write ? modified(f, r) : accessed(f, r));
  for (const [base, len] of iov) {
    if (len === 0) continue;
    const n = write ? doWrite(k, t, f, base, len, pos) : doRead(t, f, base, len, pos);
    if (n === BLOCKED || n < 0) return notify(total > 0 ? total : n);
    total += n;
    if (pos !== undefined) pos += n;
    if (n < len) break;
  }
  return notify(total);
}

export function sys_readv(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return accountRead(t, vectored(k, t, a, false, undefined));
}
export function sys_writev(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return accountWrite(t, vectored(k, t, a, true, undefined));
}
export function sys_preadv(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return accountRead(t, vectored(k, t, a, false, a.long(3)));
}
export function sys_pwritev(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return accountWrite(t, vectored(k, t, a, true, a.long(3)));
}

/** preadv2/pwritev2 flags (include/uapi/linux/fs.h). */
const RWF_HIPRI = 0x1,
  RWF_DSYNC = 0x2,
  RWF_SYNC = 0x4,
  RWF_NOWAIT = 0x8,
  RWF_APPEND = 0x10,
  RWF_NOAPPEND = 0x20;
const RWF_SUPPORTED = RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND | RWF_NOAPPEND;

/**
 * The per-call flags act as the matching open flags for this one call
 * (kiocb_set_rw_flags): NOWAIT as O_NONBLOCK, APPEND/NOAPPEND as O_APPEND,
 * DSYNC/SYNC as O_DSYNC; HIPRI (polled I/O) changes nothing here. The file's
 * own flags are put back afterwards; a call that blocks is re-run from the
 * ecall and sets them again.
 */
function vectored2(k: Kernel, t: Task, a: SyscallArgs, write: boolean): number | Blocked {
  const off = a.long(3),
    flags = a.int(5);
  if (flags & ~RWF_SUPPORTED) return -EOPNOTSUPP;
  const f = fileOf(t, a.int(0));
  if (typeof f === 'number') return f;
  // An append-only inode (chattr +a) cannot be written elsewhere.
  if (flags & RWF_NOAPPEND && write && f.inode.iflags & FS_APPEND_FL) return -EPERM;
  const saved = f.flags;
  if (flags & RWF_NOWAIT) f.flags |= O_NONBLOCK;
  if (flags & RWF_APPEND) f.flags |= O_APPEND;
  if (flags & RWF_NOAPPEND) f.flags &= ~O_APPEND;
  if (flags & (RWF_DSYNC | RWF_SYNC)) f.flags |= O_DSYNC;
  try {
    return vectored(k, t, a, write, off === -1 ? undefined : off);
  } finally {
    f.flags = saved;
  }
}
export function sys_preadv2(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return accountRead(t, vectored2(k, t, a, false));
}
export function sys_pwritev2(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return accountWrite(t, vectored2(k, t, a, true));
}

export function sys_lseek(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = fileOf(t, a.int(0));
  if (typeof f === 'number') return f;
  if (f.ops.llseek) return f.ops.llseek(f, a.long(1), a.int(2));
  if (f.ops.stream) return -ESPIPE;
  const off = a.long(1),
    whence = a.int(2);
  let base: number;
  switch (whence) {
    case SEEK_SET:
      base = 0;
      break;
    case SEEK_CUR:
      base = f.pos;
      break;
    case SEEK_END:
      base = f.inode.size;
      break;
    case SEEK_DATA:
    case SEEK_HOLE: {
      const at = f.inode.seekHoleData(off, whence === SEEK_DATA);
      if (at !== null) {
        if (at >= 0) f.pos = at;
        return at;
      }
      // generic_file_llseek: all data, with one virtual hole at EOF.
      if (off < 0 || off >= f.inode.size) return -ENXIO;
      f.pos = whence === SEEK_DATA ? off : f.inode.size;
      return f.pos;
    }
    default:
      return -EINVAL;
  }
  const np = base + off;
  if (np < 0) return -EINVAL;
  if (np > Number.MAX_SAFE_INTEGER) return -EOVERFLOW;
  f.pos = np;
  if (isDir(f.inode.mode) && np === 0) f.dirCursor = null;
  return np;
}

export function sys_dup(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = fileOf(t, a.int(0));
  if (typeof f === 'number') return f;
  return installFile(t, f.get(), false);
}

export function sys_dup3(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const oldfd = a.int(0),
    newfd = a.int(1),
    flags = a.int(2);
  if (flags & ~O_CLOEXEC) return -EINVAL;
  if (oldfd === newfd) return -EINVAL;
  const f = fileOf(t, oldfd);
  if (typeof f === 'number') return f;
  if (newfd < 0 || newfd >= nofile(t)) return -EBADF;
  t.files.install(newfd, f.get(), (flags & O_CLOEXEC) !== 0);
  return newfd;
}

const F_DUPFD = 0,
  F_GETFD = 1,
  F_SETFD = 2,
  F_GETFL = 3,
  F_SETFL = 4,
  F_NOTIFY = 1026,
  F_DUPFD_CLOEXEC = 1030,
  F_SETPIPE_SZ = 1031,
  F_GETPIPE_SZ = 1032,
  F_ADD_SEALS = 1033,
  F_GET_SEALS = 1034;

export function sys_fcntl(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const fd = a.int(0),
    cmd = a.int(1);
  const f = fileOf(t, fd);
  if (typeof f === 'number') return f;
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      const min = a.int(2);
      if (min < 0 || min >= nofile(t)) return -EINVAL;
      return installFile(t, f.get(), cmd === F_DUPFD_CLOEXEC, min);
    }
    case F_GETFD:
      return t.files.cloexec[fd] ? 1 : 0;
    case F_SETFD:
      t.files.cloexec[fd] = (a.int(2) & 1) !== 0;
      return 0;
    case F_GETFL:
      return f.flags | (isReg(f.inode.mode) ? O_LARGEFILE : 0);
    case F_SETFL: {
      const settable = O_APPEND | O_NONBLOCK | O_DIRECT | O_ASYNC | O_NOATIME;
      // setfl: O_NOATIME is the owner's (or CAP_FOWNER's) to set, as at open.
      if (a.int(2) & O_NOATIME && !(f.flags & O_NOATIME) && !ownerOrCapable(t.cred, f.inode)) return -EPERM;
      f.flags = (f.flags & ~settable) | (a.int(2) & settable);
      fasyncSet(k, f, fd, (f.flags & O_ASYNC) !== 0);
      return 0;
    }
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
      return fcntlLock(k, t, f, cmd, a.ulong(2));
    case F_SETOWN:
    case F_GETOWN:
    case F_SETOWN_EX:
    case F_GETOWN_EX:
    case F_SETSIG:
    case F_GETSIG:
      return fcntlOwner(k, t, f, cmd, a);
    case F_NOTIFY:
      return fcntlDirnotify(k, t.pid, f, fd, a.int(2) >>> 0, dirNotifyEnable.get(k) !== 0);
    case F_SETLEASE:
      return fcntlSetLease(k, t, f, fd, a.int(2));
    case F_GETLEASE:
      return fcntlGetLease(f);
    case F_GETPIPE_SZ:
    case F_SETPIPE_SZ: {
      const p = pipeOf(f);
      if (!p) return -EBADF;
      return cmd === F_GETPIPE_SZ ? p.capacity : setPipeSize(p, a.int(2) >>> 0, pipeLimits(k), pipeOwner(t));
    }
    case F_GET_SEALS:
      return getSeals(f);
    case F_ADD_SEALS:
      return addSeals(f, a.int(2) >>> 0, () => mappingWritablyMapped(k.pids.tasks(), f.inode.mapping));
    default:
      return -EINVAL;
  }
}

/** /proc/sys/fs/pipe-max-size and the per-user page limits, with this kernel's page book (Kernel.pipeBook). */
export function pipeLimits(k: Kernel): PipeLimits {
  const book = k.pipeBook;
  return { maxSize: pipeMaxSize.get(k), userPagesSoft: pipeUserPagesSoft.get(k), userPagesHard: pipeUserPagesHard.get(k), book };
}
/** Pipe pages are charged to the real user; CAP_SYS_RESOURCE (root here) is exempt from the limits. */
export function pipeOwner(t: Task) {
  const resource = capable(t.cred, CAP_SYS_RESOURCE);
  return { uid: t.cred.uid, privileged: resource || capable(t.cred, CAP_SYS_ADMIN), overMaxSize: resource };
}

export function sys_pipe2(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const addr = a.ulong(0),
    flags = a.int(1);
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) return -EINVAL;
  const pipe = allocPipe(pipeLimits(k), pipeOwner(t));
  if (!pipe) return -ENFILE;
  const [r, w] = createPipe(k.vfs.rootMnt, flags, pipe);
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const rfd = installFile(t, r, cloexec);
  if (rfd < 0) {
    w.put();
    return rfd;
  }
  const wfd = installFile(t, w, cloexec);
  if (wfd < 0) {
    t.files.close(rfd);
    return wfd;
  }
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, rfd, true);
  dv.setInt32(4, wfd, true);
  if (!t.mm.write(addr, b)) {
    t.files.close(rfd);
    t.files.close(wfd);
    return -EFAULT;
  }
  return 0;
}

export function sys_ioctl(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = fileOf(t, a.int(0));
  if (typeof f === 'number') return f;
  if (f.flags & O_PATH) return -EBADF;
  const cmd = a.ulong(1) >>> 0,
    arg = a.ulong(2);
  const r = vfsIoctl(k, t, a.int(0), f, cmd, arg);
  if (r !== null) return r;
  if (!f.ops.ioctl) return -ENOTTY;
  return f.ops.ioctl(f, cmd, arg, {
    read: (addr, n) => t.mm.read(addr, n),
    write: (addr, d) => t.mm.write(addr, d),
    pid: t.pid,
    pgrp: t.tg.pgid,
    sid: t.tg.sid,
    cred: t.cred,
  });
}

// sendfile: copy between descriptors inside the kernel (busybox cat uses it).
export function sys_sendfile(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const out = t.files.get(a.int(0)),
    inp = t.files.get(a.int(1));
  const offAddr = a.ulong(2),
    count = Math.min(a.ulong(3), MAX_RW);
  if (!out || !inp) return -EBADF;
  if (!inp.readable || !out.writable) return -EBADF;
  if (!inp.ops.read || !out.ops.write) return -EINVAL;
  if (out.flags & O_APPEND) return -EINVAL;
  if (!offAddr) return doSendfile(k, t, out, inp, null, count);
  const o = t.mm.readU64(offAddr);
  if (o === null) return -EFAULT;
  if (o > BigInt(Number.MAX_SAFE_INTEGER)) return -EINVAL;
  const at = { pos: Number(o) };
  const r = doSendfile(k, t, out, inp, at, count);
  if (r === BLOCKED) return r;
  // sendfile64 stores the offset back whatever the transfer did: a pointer
  // into memory it may read but not write is EFAULT.
  return t.mm.writeU64(offAddr, at.pos) ? r : -EFAULT;
}

/** do_sendfile: from `at.pos` (moved on) when the caller gave an offset, else from the input's own position. */
function doSendfile(k: Kernel, t: Task, out: File, inp: File, at: { pos: number } | null, count: number): number | Blocked {
  const pos = at ? at.pos : inp.pos;
  if (count === 0) return 0;
  // The destination is asked first so that a full pipe blocks before anything is consumed.
  if (out.ops.poll && !(out.ops.poll(out) & 4 /* POLLOUT */)) {
    if (out.flags & O_NONBLOCK) return -11;
    out.ops.poll(out, (q) => t.sleepOn(q));
    return BLOCKED;
  }
  const buf = new Uint8Array(Math.min(count, CHUNK));
  const n = inp.ops.read!(inp, buf, pos, t);
  if (n === BLOCKED || n <= 0) return n;
  const w = out.ops.write!(out, buf.subarray(0, n), out.pos, t);
  if (w === BLOCKED) return BLOCKED;
  if (w < 0) {
    if (w === -EPIPE) sendSignal(k, t.tg, { signo: SIGPIPE, code: SI_USER, pid: t.pid, uid: t.cred.uid }, t);
    return w;
  }
  if (!out.ops.stream) out.pos += w;
  if (at) at.pos = pos + w;
  else if (!inp.ops.stream) inp.pos = pos + w;
  // do_sendfile: the bytes count as read and written, and the call as one of each.
  t.ioac.rchar += w;
  t.ioac.wchar += w;
  t.ioac.syscr++;
  t.ioac.syscw++;
  return w;
}

// copy_file_range: regular files on one file system (tmpfs has no cross-fs copy: EXDEV).
export function sys_copy_file_range(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const inAddr = a.ulong(1),
    outAddr = a.ulong(3),
    flags = a.int(5);
  let len = Math.min(a.ulong(4), MAX_RW);
  if (flags !== 0) return -EINVAL;
  const fin = t.files.get(a.int(0)),
    fout = t.files.get(a.int(2));
  if (!fin || fin.flags & O_PATH || !fout || fout.flags & O_PATH) return -EBADF;
  const readPos = (addr: number, f: File): number | null => {
    if (!addr) return f.pos;
    const v = t.mm.readU64(addr);
    return v === null ? null : Number(BigInt.asIntN(64, v));
  };
  const posIn = readPos(inAddr, fin),
    posOut = readPos(outAddr, fout);
  if (posIn === null || posOut === null) return -EFAULT;
  const iin = fin.inode,
    iout = fout.inode;
  if (iout.iflags & 0x10 /* FS_IMMUTABLE_FL */) return -EPERM;
  if (isDir(iin.mode) || isDir(iout.mode)) return -EISDIR;
  if (!isReg(iin.mode) || !isReg(iout.mode)) return -EINVAL;
  if (!fin.readable || !fout.writable || fout.flags & O_APPEND) return -EBADF;
  if (posIn < 0 || posOut < 0) return -EINVAL;
  // generic_copy_file_checks: pos + count wrapping past 2^64 (size_t arithmetic) is EOVERFLOW.
  const count = a.big(4),
    wrap = 1n << 64n;
  if (BigInt(posIn) + count >= wrap || BigInt(posOut) + count >= wrap) return -EOVERFLOW;
  len = posIn >= iin.size ? 0 : Math.min(len, iin.size - posIn, MAX_RW);
  if (iin === iout && posOut + len > posIn && posOut < posIn + len) return -EINVAL;
  if (len === 0) return 0;
  if (iin.sb !== iout.sb) return -EXDEV;
  if (!fin.ops.read || !fout.ops.write) return -EINVAL;
  const buf = new Uint8Array(len);
  const n = fin.ops.read(fin, buf, posIn, t);
  if (n === BLOCKED || n <= 0) return n;
  const w = fout.ops.write(fout, buf.subarray(0, n), posOut, t);
  if (w === BLOCKED || w < 0) return w;
  if (inAddr) t.mm.writeU64(inAddr, posIn + w);
  else fin.pos = posIn + w;
  if (outAddr) t.mm.writeU64(outAddr, posOut + w);
  else fout.pos = posOut + w;
  return w;
}
