// The system-call side of file locks (fs/locks.c's sys_flock, fcntl_getlk,
// fcntl_setlk, fcntl_setlease) and of a file's owner (fs/fcntl.c's f_setown,
// F_SETOWN_EX, F_SETSIG). The lock tables themselves are in fs/locks.ts.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { File } from '../fs/file.js';
import { SEEK_CUR, SEEK_END, SEEK_SET } from '../fs/file.js';
import {
  F_RDLCK,
  F_UNLCK,
  F_WRLCK,
  FileLock,
  OFFSET_MAX,
  flockLock,
  leasesToBreak,
  lockContext,
  posixDeadlock,
  posixLock,
  posixTest,
  type LockType,
} from '../fs/locks.js';
import { O_ACCMODE, O_NONBLOCK, O_RDONLY } from '../fs/file.js';
import type { Inode } from '../fs/inode.js';
import { isReg } from '../fs/inode.js';
import { POLL_MSG, sendSigio } from '../fs/fasync.js';
import { CAP_LEASE, capable } from '../security/commoncap.js';
import { EACCES, EAGAIN, EBADF, EDEADLK, EFAULT, EINVAL, EOVERFLOW, ESRCH } from '../errno.js';
/** EWOULDBLOCK is EAGAIN on Linux. */
const EWOULDBLOCK = EAGAIN;
import { BLOCKED, type SyscallResult } from './result.js';
import { findTask } from '../fs/proc/pid.js';
import type { SyscallArgs } from './args.js';

export const F_GETLK = 5,
  F_SETLK = 6,
  F_SETLKW = 7,
  F_SETOWN = 8,
  F_GETOWN = 9,
  F_SETSIG = 10,
  F_GETSIG = 11,
  F_SETOWN_EX = 15,
  F_GETOWN_EX = 16,
  F_OFD_GETLK = 36,
  F_OFD_SETLK = 37,
  F_OFD_SETLKW = 38;

const LOCK_SH = 1,
  LOCK_EX = 2,
  LOCK_NB = 4,
  LOCK_UN = 8,
  LOCK_MAND = 32;

/** The largest loff_t: a range reaching past it is EOVERFLOW. */
const LOFF_MAX = 2 ** 63 - 1;

function sleepFor(t: Task, k: Kernel, f: File, blocker: FileLock | null): typeof BLOCKED {
  const ctx = f.inode.flctx!;
  t.sys = { kind: 'filelock', nr: k.sysArgs.nr, restart: 'sys', blocker };
  t.sleepOn(ctx.wq);
  return BLOCKED;
}

/** flock(2): a whole-file lock of the open file description. */
export function sys_flock(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const fd = a.int(0),
    op = a.int(1);
  const f = t.files.get(fd);
  if (!f || !(f.readable || f.writable)) return -EBADF;
  // LOCK_MAND (Samba's share modes) is accepted and ignored, as Linux has done since 5.15.
  if (op & LOCK_MAND) return 0;
  const kind = op & ~LOCK_NB;
  const type: LockType | -1 = kind === LOCK_SH ? F_RDLCK : kind === LOCK_EX ? F_WRLCK : kind === LOCK_UN ? F_UNLCK : -1;
  if (type === -1) return -EINVAL;
  if (type === F_UNLCK && !f.inode.flctx) return 0;
  const ctx = lockContext(f.inode, k.fileLocks);
  const c = flockLock(ctx, f, type, t.pid);
  if (c === 0) return 0;
  if (op & LOCK_NB) return -EWOULDBLOCK;
  return sleepFor(t, k, f, null);
}

interface Flock {
  type: number;
  whence: number;
  start: number;
  len: number;
  pid: number;
}

function readFlock(t: Task, addr: number): Flock | null {
  const b = t.mm.read(addr, 32);
  if (!b) return null;
  const v = new DataView(b.buffer, b.byteOffset, 32);
  return {
    type: v.getInt16(0, true),
    whence: v.getInt16(2, true),
    start: Number(v.getBigInt64(8, true)),
    len: Number(v.getBigInt64(16, true)),
    pid: v.getInt32(24, true),
  };
}

function writeFlock(t: Task, addr: number, l: Flock): boolean {
  const b = new Uint8Array(32);
  const v = new DataView(b.buffer);
  v.setInt16(0, l.type, true);
  v.setInt16(2, l.whence, true);
  v.setBigInt64(8, BigInt(l.start), true);
  v.setBigInt64(16, BigInt(l.len), true);
  v.setInt32(24, l.pid, true);
  return t.mm.write(addr, b);
}

/** flock_to_posix_lock: the byte range [start, end] the struct names, or -errno. */
function rangeOf(f: File, l: Flock): [number, number] | number {
  let base: number;
  switch (l.whence) {
    case SEEK_SET:
      base = 0;
      break;
    case SEEK_CUR:
      base = f.pos;
      break;
    case SEEK_END:
      base = f.inode.size;
      break;
    default:
      return -EINVAL;
  }
  let start = base + l.start;
  if (start < 0) return -EINVAL;
  let end: number;
  if (l.len > 0) {
    if (l.len - 1 > LOFF_MAX - start) return -EOVERFLOW;
    end = start + l.len - 1;
  } else if (l.len < 0) {
    end = start - 1;
    start += l.len;
    if (start < 0) return -EINVAL;
  } else end = OFFSET_MAX;
  return [start, end];
}

/** fcntl's record-lock commands: F_GETLK, F_SETLK(W) and their OFD forms (the *64 forms are the same numbers on riscv64). */
export function fcntlLock(k: Kernel, t: Task, f: File, cmd: number, addr: number): SyscallResult {
  const l = readFlock(t, addr);
  if (!l) return -EFAULT;
  const ofd = cmd === F_OFD_GETLK || cmd === F_OFD_SETLK || cmd === F_OFD_SETLKW;
  const getlk = cmd === F_GETLK || cmd === F_OFD_GETLK;
  if (l.type !== F_RDLCK && l.type !== F_WRLCK && l.type !== F_UNLCK) return -EINVAL;
  // An OFD request carries no pid: l_pid must be 0.
  if (ofd && l.pid !== 0) return -EINVAL;
  if (!(f.readable || f.writable)) return -EBADF;
  const r = rangeOf(f, l);
  if (typeof r === 'number') return r;
  const owner: object = ofd ? f : t.files;
  const req = new FileLock(ofd ? 'ofd' : 'posix', l.type as LockType, owner, ofd ? -1 : t.pid, r[0], r[1], f);
  if (getlk) {
    if (l.type === F_UNLCK) return -EINVAL;
    const c = posixTest(f.inode.flctx, req);
    const out: Flock = c
      ? { type: c.type, whence: SEEK_SET, start: c.start, len: c.end === OFFSET_MAX ? 0 : c.end - c.start + 1, pid: c.kind === 'ofd' ? -1 : c.pid }
      : { ...l, type: F_UNLCK };
    return writeFlock(t, addr, out) ? 0 : -EFAULT;
  }
  if (l.type === F_RDLCK && !f.readable) return -EBADF;
  if (l.type === F_WRLCK && !f.writable) return -EBADF;
  if (l.type === F_UNLCK && !f.inode.flctx) return 0;
  const ctx = lockContext(f.inode, k.fileLocks);
  const reg = k.fileLocks;
  const c = posixLock(ctx, req);
  if (!c) {
    reg.blocked.delete(owner);
    return 0;
  }
  if (cmd === F_SETLK || cmd === F_OFD_SETLK) return -EAGAIN;
  if (posixDeadlock(reg, req, c)) {
    reg.blocked.delete(owner);
    return -EDEADLK;
  }
  if (!ofd) reg.blocked.set(owner, { sleeper: t, blocker: c });
  return sleepFor(t, k, f, c);
}

// ---- the file's owner: who hears SIGIO and lease breaks ----

const F_OWNER_TID = 0,
  F_OWNER_PID = 1,
  F_OWNER_PGRP = 2;

function pidExists(k: Kernel, type: number, id: number): boolean {
  if (type === F_OWNER_PGRP) {
    return k.pids.processGroup(id).some((g) => !g.zombie);
    return false;
  }
  return findTask(k, id) !== null;
}

/** F_SETOWN, F_GETOWN, F_SETOWN_EX, F_GETOWN_EX, F_SETSIG, F_GETSIG. */
export function fcntlOwner(k: Kernel, t: Task, f: File, cmd: number, a: SyscallArgs): SyscallResult {
  const own = f.fown ?? { type: F_OWNER_TID, pid: 0, signum: 0 };
  switch (cmd) {
    case F_SETOWN: {
      let who = a.int(2);
      if (who === -2147483648) return -EINVAL;
      const type = who < 0 ? F_OWNER_PGRP : F_OWNER_PID;
      who = Math.abs(who);
      if (who && !pidExists(k, type, who)) return -ESRCH;
      f.fown = { ...own, type, pid: who };
      return 0;
    }
    case F_GETOWN:
      return own.type === F_OWNER_PGRP ? -own.pid : own.pid;
    case F_SETOWN_EX: {
      const b = t.mm.read(a.ulong(2), 8);
      if (!b) return -EFAULT;
      const v = new DataView(b.buffer, b.byteOffset, 8);
      const type = v.getInt32(0, true),
        pid = v.getInt32(4, true);
      if (type !== F_OWNER_TID && type !== F_OWNER_PID && type !== F_OWNER_PGRP) return -EINVAL;
      if (pid && !pidExists(k, type, pid)) return -ESRCH;
      f.fown = { ...own, type, pid };
      return 0;
    }
    case F_GETOWN_EX: {
      const b = new Uint8Array(8);
      const v = new DataView(b.buffer);
      v.setInt32(0, own.type, true);
      v.setInt32(4, own.pid, true);
      return t.mm.write(a.ulong(2), b) ? 0 : -EFAULT;
    }
    case F_SETSIG: {
      const sig = a.ulong(2);
      if (sig > 64) return -EINVAL;
      f.fown = { ...own, signum: sig };
      return 0;
    }
    case F_GETSIG:
      return own.signum;
  }
  return -EINVAL;
}

// ---- leases (fcntl_setlease, fcntl_getlease, __break_lease) ----

export const F_SETLEASE = 1024,
  F_GETLEASE = 1025;

/** fcntl_getlease: the lease this open file holds, as it will be once a pending break completes; F_UNLCK when none. */
export function fcntlGetLease(f: File): SyscallResult {
  const l = f.inode.flctx?.lease.find((x) => x.owner === f);
  if (!l) return F_UNLCK;
  return l.breakTo ?? l.type;
}

/**
 * check_conflicting_open: a read lease needs the file open for writing
 * nowhere; a write lease needs it open nowhere but through this file.
 */
function conflictingOpen(f: File, type: LockType): boolean {
  const i = f.inode;
  if (type === F_RDLCK) return i.writecount > 0;
  const selfW = f.writable ? 1 : 0,
    selfR = !f.writable && f.readable ? 1 : 0;
  return i.writecount !== selfW || i.readcount !== selfR;
}

/** fcntl(F_SETLEASE): take, change or drop this open file's lease (vfs_setlease, generic_add_lease, generic_delete_lease). */
export function fcntlSetLease(k: Kernel, t: Task, f: File, fd: number, arg: number): SyscallResult {
  if (arg !== F_RDLCK && arg !== F_WRLCK && arg !== F_UNLCK) return -EINVAL;
  const i = f.inode;
  if (i.uid !== t.cred.fsuid && !capable(t.cred, CAP_LEASE)) return -EACCES;
  if (!isReg(i.mode)) return -EINVAL;
  const type = arg as LockType;
  if (type === F_UNLCK) {
    const ctx = i.flctx;
    const mine = ctx?.lease.find((x) => x.owner === f);
    if (!ctx || !mine) return -EAGAIN;
    ctx.lease.splice(ctx.lease.indexOf(mine), 1);
    mine.live = false;
    ctx.changed();
    return 0;
  }
  if (conflictingOpen(f, type)) return -EAGAIN;
  const ctx = lockContext(i, k.fileLocks);
  let mine: FileLock | null = null;
  for (const l of ctx.lease) {
    if (l.owner === f) {
      mine = l;
      continue;
    }
    // No exclusive lease beside another's, and no new lease while one is being broken to nothing.
    if (type === F_WRLCK || l.breakTo === F_UNLCK) return -EAGAIN;
  }
  if (mine) {
    // lease_modify: a downgrade that reaches the pending break's target ends the break.
    mine.type = type;
    if (mine.breakTo !== null && type <= mine.breakTo) mine.breakTo = null;
    ctx.changed();
    return 0;
  }
  if (!k.fileLocks.leasesEnable) return -EINVAL;
  const l = new FileLock('lease', type, f, t.pid, 0, OFFSET_MAX, f);
  l.fd = fd;
  ctx.lease.push(l);
  // lease_setup: the lease's breaks are signalled to the process that took it.
  f.fown = { ...(f.fown ?? { signum: 0 }), type: F_OWNER_PID, pid: t.pid };
  ctx.changed();
  return 0;
}

/**
 * __break_lease, at an open (or truncate) of a leased file: each lease the
 * access conflicts with is marked to be broken (to F_RDLCK for a reader, to
 * nothing for a writer) and its holder is signalled (POLL_MSG). A
 * non-blocking open then fails with EWOULDBLOCK. A blocking one does not wait
 * lease-break-time for the holder here: the break completes at once, as when
 * the time runs out on Linux (time_out_leases), and the open goes on.
 */
export function breakLease(k: Kernel, inode: Inode, flags: number): number {
  const ctx = inode.flctx;
  if (!ctx || !ctx.lease.length) return 0;
  const write = (flags & O_ACCMODE) !== O_RDONLY;
  const victims = leasesToBreak(ctx, null, write);
  if (!victims.length) return 0;
  for (const l of victims) {
    const to: LockType = write ? F_UNLCK : F_RDLCK;
    if (l.breakTo === null || to < l.breakTo) {
      l.breakTo = to;
      if (l.file) sendSigio(k, l.file, l.fd, POLL_MSG);
    }
  }
  ctx.changed();
  if (flags & O_NONBLOCK) return -EWOULDBLOCK;
  for (const l of victims) {
    if (l.breakTo === F_UNLCK) {
      ctx.lease.splice(ctx.lease.indexOf(l), 1);
      l.live = false;
    } else if (l.breakTo !== null) {
      l.type = l.breakTo;
      l.breakTo = null;
    }
  }
  ctx.changed();
  return 0;
}
