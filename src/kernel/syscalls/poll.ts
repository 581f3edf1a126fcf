// ppoll and pselect6 (fs/select.c): wait for readiness on several
// descriptors, with a timeout in virtual time (the time left is written back,
// as Linux does) and a signal mask in force only while the call waits.
import { NR } from './nr.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { EFAULT, EINVAL, EBADF } from '../errno.js';
import { BLOCKED, type Blocked, type SyscallResult } from './result.js';
import type { PollState } from './restart.js';
import { POLLIN, POLLOUT, POLLNVAL, POLLERR, POLLHUP, POLLPRI, POLLRDNORM, POLLWRNORM, type File } from '../fs/file.js';
import { UNBLOCKABLE } from '../signal/signals.js';
import { hasDeliverable } from '../signal/deliver.js';
import { nofile } from './fs-io.js';
import type { WaitQueue } from '../sched/waitqueue.js';
import type { SyscallArgs } from './args.js';

/** DEFAULT_POLLMASK: what a file without a poll method reports. */
export const DEFAULT_POLLMASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
const POLLRDBAND = 0x80,
  POLLWRBAND = 0x200;
/** select's sets in poll terms (POLLIN_SET, POLLOUT_SET, POLLEX_SET). */
const IN_SET = POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR,
  OUT_SET = POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR,
  EX_SET = POLLPRI;

/** vfs_poll: readiness of an open file, registering on `queues` what will announce a change. */
export function vfsPoll(f: File, queues?: WaitQueue[]): number {
  return f.ops.poll ? f.ops.poll(f, queues ? (q) => queues.push(q) : undefined) : DEFAULT_POLLMASK;
}

/**
 * set_user_sigmask: at the first entry of a call, swap in the caller's mask;
 * the old one is kept in savedMask (restored after a handler, or at return).
 */
export function setUserSigmask(t: Task, addr: number, size: number): number {
  if (!addr) return 0;
  if (size !== 8) return -EINVAL;
  const m = t.mm.readU64(addr);
  if (m === null) return -EFAULT;
  t.savedMask = t.blocked;
  t.blocked = m & ~UNBLOCKABLE;
  return 0;
}

/** restore_saved_sigmask: a call that returns normally gives the old mask back at once. */
export function restoreSigmask(t: Task): void {
  if (t.savedMask !== null) {
    t.blocked = t.savedMask;
    t.savedMask = null;
  }
}

/** A struct timespec timeout in ns; -1 for none (NULL); -EFAULT/-EINVAL when bad. */
export function timeoutArg(t: Task, addr: number): number {
  if (!addr) return -1;
  const b = t.mm.read(addr, 16);
  if (!b) return -EFAULT;
  const tv = new DataView(b.buffer);
  const sec = Number(tv.getBigInt64(0, true)),
    nsec = Number(tv.getBigInt64(8, true));
  if (sec < 0 || nsec < 0 || nsec > 999999999) return -EINVAL;
  return Math.min(sec * 1e9 + nsec, Number.MAX_SAFE_INTEGER);
}

function timespecBytes(ns: number): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, BigInt(Math.floor(ns / 1e9)), true);
  dv.setBigInt64(8, BigInt(ns % 1e9), true);
  return b;
}

/**
 * The first entry of a call: read the timeout and swap the mask, once.
 * Returns the state, or -errno.
 */
function enter(k: Kernel, t: Task, nr: number, tsAddr: number, mask: () => number): PollState | number {
  if (t.sys?.kind === 'poll' && t.sys.nr === nr) return t.sys;
  const timeout = timeoutArg(t, tsAddr);
  if (timeout === -EFAULT || timeout === -EINVAL) return timeout;
  const e = mask();
  if (e < 0) return e;
  const deadline = timeout < 0 ? Infinity : k.clock.monotonic() + timeout;
  const s: PollState = { kind: 'poll', nr, restart: 'never', deadline, tsAddr, zero: timeout === 0, armed: false };
  t.sys = s;
  return s;
}

/** personality(2)'s flag: select and poll leave the caller's timeout as it was. */
const STICKY_TIMEOUTS = 0x4000000;

/** poll_select_finish: write the time left back (not for a zero or absent timeout, nor under STICKY_TIMEOUTS). */
function finish(k: Kernel, t: Task, st: PollState): void {
  if (!st.tsAddr || st.zero || st.deadline === Infinity) return;
  if (t.personality & STICKY_TIMEOUTS) return;
  t.mm.write(st.tsAddr, timespecBytes(Math.max(0, st.deadline - k.clock.monotonic())));
}

/**
 * Nothing ready: return 0 when the time is up, else sleep on the queues (and
 * a timer) and be run again. An interruption writes the time left, and
 * `onEintr` any other result, before the call fails with EINTR.
 */
function sleep(k: Kernel, t: Task, st: PollState, queues: WaitQueue[], onEintr: () => void): number | Blocked {
  const now = k.clock.monotonic();
  if (now >= st.deadline && !(st.zero && hasDeliverable(t))) return 0;
  if (st.deadline !== Infinity && !st.armed) {
    st.armed = true;
    k.timers.add(st.deadline, () => {
      if (t.sys === st) t.wake();
    });
  }
  for (const q of queues) t.sleepOn(q);
  t.sleep();
  k.onInterrupt.set(t, () => {
    finish(k, t, st);
    onEintr();
  });
  return BLOCKED;
}

/** The end of a call that did not sleep (again): restore the mask, report the time left. */
function done(k: Kernel, t: Task, st: PollState, ret: number): number {
  restoreSigmask(t);
  finish(k, t, st);
  return ret;
}

export function sys_ppoll(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const fdsAddr = a.ulong(0),
    nfds = a.ulong(1),
    tsAddr = a.ulong(2);
  const st = enter(k, t, NR.ppoll, tsAddr, () => setUserSigmask(t, a.ulong(3), a.ulong(4)));
  if (typeof st === 'number') return st;
  if (nfds > nofile(t)) return done(k, t, st, -EINVAL);
  const raw = nfds ? t.mm.read(fdsAddr, nfds * 8) : new Uint8Array(0);
  if (!raw) return done(k, t, st, -EFAULT);
  const dv = new DataView(raw.buffer);
  let ready = 0;
  const queues: WaitQueue[] = [];
  for (let i = 0; i < nfds; i++) {
    const fd = dv.getInt32(i * 8, true),
      events = dv.getUint16(i * 8 + 4, true);
    let rev = 0;
    if (fd >= 0) {
      const f = t.files.get(fd);
      rev = f ? vfsPoll(f, queues) & (events | POLLERR | POLLHUP) : POLLNVAL;
    }
    dv.setInt16(i * 8 + 6, rev, true);
    if (rev) ready++;
  }
  const r = ready
    ? ready
    : sleep(k, t, st, queues, () => {
        t.mm.write(fdsAddr, raw);
      });
  if (r === BLOCKED) return r;
  if (!t.mm.write(fdsAddr, raw)) return done(k, t, st, -EFAULT);
  return done(k, t, st, r);
}

/** The descriptor table's size as select sees it (fdt->max_fds: 64, then powers of two times 128). */
function maxFds(t: Task): number {
  const n = t.files.files.length;
  if (n <= 64) return 64;
  let m = 128;
  while (m < n) m *= 2;
  return m;
}

export function sys_pselect6(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const n0 = a.int(0),
    rAddr = a.ulong(1),
    wAddr = a.ulong(2),
    eAddr = a.ulong(3),
    tsAddr = a.ulong(4),
    sigAddr = a.ulong(5);
  const st = enter(k, t, NR.pselect6, tsAddr, () => {
    if (!sigAddr) return 0;
    const pack = t.mm.read(sigAddr, 16);
    if (!pack) return -EFAULT;
    const dv = new DataView(pack.buffer);
    return setUserSigmask(t, Number(dv.getBigUint64(0, true)), Number(dv.getBigUint64(8, true)));
  });
  if (typeof st === 'number') return st;
  if (n0 < 0) return done(k, t, st, -EINVAL);
  const n = Math.min(n0, maxFds(t));
  const bytes = Math.ceil(n / 64) * 8;
  const read = (addr: number) => (addr ? t.mm.read(addr, bytes) : new Uint8Array(bytes));
  const rs = read(rAddr),
    ws = read(wAddr),
    es = read(eAddr);
  if (!rs || !ws || !es) return done(k, t, st, -EFAULT);
  // max_select_fd: every descriptor named in a set must be open.
  for (let fd = 0; fd < n; fd++) {
    const bit = 1 << (fd & 7),
      byte = fd >> 3;
    if ((rs[byte] | ws[byte] | es[byte]) & bit && !t.files.get(fd)) return done(k, t, st, -EBADF);
  }
  const ro = new Uint8Array(bytes),
    wo = new Uint8Array(bytes),
    eo = new Uint8Array(bytes);
  let ready = 0;
  const queues: WaitQueue[] = [];
  for (let fd = 0; fd < n; fd++) {
    const bit = 1 << (fd & 7),
      byte = fd >> 3;
    if (!((rs[byte] | ws[byte] | es[byte]) & bit)) continue;
    const m = vfsPoll(t.files.get(fd)!, queues);
    if (rs[byte] & bit && m & IN_SET) {
      ro[byte] |= bit;
      ready++;
    }
    if (ws[byte] & bit && m & OUT_SET) {
      wo[byte] |= bit;
      ready++;
    }
    if (es[byte] & bit && m & EX_SET) {
      eo[byte] |= bit;
      ready++;
    }
  }
  const out = () => (rAddr ? t.mm.write(rAddr, ro) : true) && (wAddr ? t.mm.write(wAddr, wo) : true) && (eAddr ? t.mm.write(eAddr, eo) : true);
  const r = ready ? ready : sleep(k, t, st, queues, () => {});
  if (r === BLOCKED) return r;
  if (!out()) return done(k, t, st, -EFAULT);
  return done(k, t, st, r);
}
