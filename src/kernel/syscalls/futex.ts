// futex(2) and futex_waitv(2): sleep on a user word until another task wakes
// it; requeue, wake-op, bitsets, PI locks, timeouts. The queues live in futex/.
import { NR } from './nr.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { EAGAIN, EFAULT, EINVAL, ENOSYS, EPERM, ETIMEDOUT } from '../errno.js';
import { BLOCKED, type Blocked, type SyscallResult } from './result.js';
import type { Restart } from './restart.js';
import { futexKey, type FutexKey } from '../futex/key.js';
import { futexTable, FutexWaiter, FUTEX_BITSET_MATCH_ANY, type WaitGroup } from '../futex/core.js';
import { lockPi, unlockPi } from '../futex/pi.js';
import type { SyscallArgs } from './args.js';

const FUTEX_WAIT = 0,
  FUTEX_WAKE = 1,
  FUTEX_FD = 2,
  FUTEX_REQUEUE = 3,
  FUTEX_CMP_REQUEUE = 4,
  FUTEX_WAKE_OP = 5,
  FUTEX_LOCK_PI = 6,
  FUTEX_UNLOCK_PI = 7,
  FUTEX_TRYLOCK_PI = 8,
  FUTEX_WAIT_BITSET = 9,
  FUTEX_WAKE_BITSET = 10,
  FUTEX_WAIT_REQUEUE_PI = 11,
  FUTEX_CMP_REQUEUE_PI = 12,
  FUTEX_LOCK_PI2 = 13;
const FUTEX_PRIVATE_FLAG = 128,
  FUTEX_CLOCK_REALTIME = 256;
const CLOCK_REALTIME = 0,
  CLOCK_MONOTONIC = 1;

/** A timespec at addr in ns, or -errno. */
function readTimeout(t: Task, addr: number): number {
  const b = t.mm.read(addr, 16);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const sec = dv.getBigInt64(0, true),
    nsec = dv.getBigInt64(8, true);
  if (sec < 0n || nsec < 0n || nsec > 999999999n) return -EINVAL;
  return Number(sec) * 1e9 + Number(nsec);
}

/** Monotonic deadline of a timeout: relative, or absolute on the given clock. */
function deadlineOf(k: Kernel, ns: number, absolute: boolean, clock: number): number {
  if (!absolute) return k.clock.monotonic() + ns;
  return clock === CLOCK_REALTIME ? k.clock.monotonic() + (ns - k.clock.realtime()) : ns;
}

function armTimeout(k: Kernel, ws: FutexWaiter[], deadline: number): void {
  if (deadline === Infinity) return;
  const timer = k.timers.add(Math.max(deadline, k.clock.monotonic()), () => {
    if (ws.some((w) => w.woken)) return;
    for (const w of ws) {
      w.timedOut = true;
      futexTable(k).unqueue(w);
    }
    ws[0].task.wake();
  });
  for (const w of ws) w.timer = timer;
}

/** Sleep with waiters queued; a later re-run of the call collects the outcome. */
function sleep(k: Kernel, t: Task, nr: number, ws: FutexWaiter[], restart: Restart): Blocked {
  t.sys = { kind: 'futex', nr, restart, waiters: ws };
  t.sleep();
  // A wake that came first wins over the signal (unqueue_me finds it woken).
  k.onInterrupt.set(t, () => {
    const won = ws.find((w) => w.woken);
    futexTable(k).abandon(k, t);
    return won ? (ws.length > 1 ? won.index : 0) : undefined;
  });
  return BLOCKED;
}

/** A re-run after a wake-up: the result, or null to sleep on. */
function outcome(k: Kernel, t: Task, ws: FutexWaiter[]): number | null {
  const won = ws.find((w) => w.woken);
  if (won) {
    futexTable(k).abandon(k, t);
    return ws.length > 1 || won.group ? won.index : 0;
  }
  if (ws.some((w) => w.timedOut)) {
    futexTable(k).abandon(k, t);
    return -ETIMEDOUT;
  }
  t.sleep();
  return null;
}

function pending(t: Task, nr: number): FutexWaiter[] | null {
  return t.sys?.kind === 'futex' && t.sys.nr === nr ? t.sys.waiters : null;
}

/** FUTEX_OP_*: the operation and comparison of FUTEX_WAKE_OP, packed in val3. */
function wakeOp(oldval: number, encoded: number): { newval: number; cond: boolean } | number {
  let op = (encoded >>> 28) & 0xf;
  const cmp = (encoded >>> 24) & 0xf;
  let oparg = (encoded << 8) >> 20; // sign-extended 12 bits
  const cmparg = (encoded << 20) >> 20;
  if (op & 8) {
    op &= 7;
    oparg = oparg < 0 || oparg > 31 ? 0 : 1 << oparg;
  }
  let newval: number;
  switch (op) {
    case 0:
      newval = oparg;
      break;
    case 1:
      newval = oldval + oparg;
      break;
    case 2:
      newval = oldval | oparg;
      break;
    case 3:
      newval = oldval & ~oparg;
      break;
    case 4:
      newval = oldval ^ oparg;
      break;
    default:
      return -ENOSYS;
  }
  const o = oldval | 0;
  let cond: boolean;
  switch (cmp) {
    case 0:
      cond = o === cmparg;
      break;
    case 1:
      cond = o !== cmparg;
      break;
    case 2:
      cond = o < cmparg;
      break;
    case 3:
      cond = o <= cmparg;
      break;
    case 4:
      cond = o > cmparg;
      break;
    case 5:
      cond = o >= cmparg;
      break;
    default:
      return -ENOSYS;
  }
  return { newval: newval >>> 0, cond };
}

export function sys_futex(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const addr = a.ulong(0),
    opFull = a.int(1),
    val = a.int(2) >>> 0,
    timeoutAddr = a.ulong(3),
    addr2 = a.ulong(4),
    val3 = a.int(5) >>> 0;
  const op = opFull & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  const shared = !(opFull & FUTEX_PRIVATE_FLAG);
  const ft = futexTable(k);
  // A wait re-run after a wake-up, a timeout or a spurious wake.
  const ws = pending(t, NR.futex);
  if (ws) {
    const r = outcome(k, t, ws);
    return r === null ? BLOCKED : r;
  }
  if (opFull & FUTEX_CLOCK_REALTIME && op !== FUTEX_WAIT && op !== FUTEX_WAIT_BITSET && op !== FUTEX_WAIT_REQUEUE_PI && op !== FUTEX_LOCK_PI2) return -ENOSYS;
  const key = futexKey(k.futexes.keyIds, t, addr, shared);
  if (typeof key === 'number') return key;
  switch (op) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
      const bitset = op === FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3;
      if (!bitset) return -EINVAL;
      let deadline = Infinity;
      if (timeoutAddr) {
        const ns = readTimeout(t, timeoutAddr);
        if (ns < 0) return ns;
        // FUTEX_WAIT's timeout is relative; WAIT_BITSET's absolute, on CLOCK_REALTIME if asked.
        deadline = deadlineOf(k, ns, op === FUTEX_WAIT_BITSET, opFull & FUTEX_CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC);
      }
      const cur = t.mm.readU32(addr);
      if (cur === null) return -EFAULT;
      if (cur !== val) return -EAGAIN;
      if (deadline <= k.clock.monotonic()) return -ETIMEDOUT;
      const w = new FutexWaiter(t, key, bitset);
      ft.queue(w);
      armTimeout(k, [w], deadline);
      // Interrupted: ERESTART_RESTARTBLOCK with a timeout (EINTR after a handler), else ERESTARTSYS.
      return sleep(k, t, NR.futex, [w], deadline === Infinity ? 'sys' : 'never');
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
      const bitset = op === FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : val3;
      if (!bitset) return -EINVAL;
      return ft.wake(k, key, val, bitset);
    }
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
      const nRequeue = a.int(3);
      if (nRequeue < 0 || (val | 0) < 0) return -EINVAL;
      const key2 = futexKey(k.futexes.keyIds, t, addr2, shared);
      if (typeof key2 === 'number') return key2;
      if (op === FUTEX_CMP_REQUEUE) {
        const cur = t.mm.readU32(addr);
        if (cur === null) return -EFAULT;
        if (cur !== val3) return -EAGAIN;
      }
      return ft.requeue(k, key, key2, val, nRequeue);
    }
    case FUTEX_WAKE_OP: {
      const key2 = futexKey(k.futexes.keyIds, t, addr2, shared);
      if (typeof key2 === 'number') return key2;
      const old = t.mm.readU32(addr2);
      if (old === null) return -EFAULT;
      const r = wakeOp(old, val3);
      if (typeof r === 'number') return r;
      if (!t.mm.writeU32(addr2, r.newval)) return -EFAULT;
      let n = ft.wake(k, key, val);
      if (r.cond) n += ft.wake(k, key2, a.int(3));
      return n;
    }
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
    case FUTEX_TRYLOCK_PI: {
      let deadline = Infinity;
      if (timeoutAddr && op !== FUTEX_TRYLOCK_PI) {
        const ns = readTimeout(t, timeoutAddr);
        if (ns < 0) return ns;
        // LOCK_PI's timeout is absolute CLOCK_REALTIME; LOCK_PI2 follows the flag.
        const clock = op === FUTEX_LOCK_PI || opFull & FUTEX_CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC;
        deadline = deadlineOf(k, ns, true, clock);
      }
      const r = lockPi(k, t, addr, key, op === FUTEX_TRYLOCK_PI);
      if (typeof r === 'number') return r;
      if (deadline <= k.clock.monotonic()) {
        ft.unqueue(r);
        return -ETIMEDOUT;
      }
      armTimeout(k, [r], deadline);
      // A signal never ends the wait for a PI lock (ERESTARTNOINTR).
      return sleep(k, t, NR.futex, [r], 'nointr');
    }
    case FUTEX_UNLOCK_PI: {
      const r = unlockPi(k, t, addr, key);
      return r === -1 ? -EPERM : r;
    }
    case FUTEX_FD:
    case FUTEX_WAIT_REQUEUE_PI:
    case FUTEX_CMP_REQUEUE_PI:
      return -ENOSYS;
    default:
      return -ENOSYS;
  }
}

const FUTEX2_SIZE_U32 = 2,
  FUTEX2_PRIVATE = 128,
  FUTEX_WAITV_MAX = 128;

/** futex_waitv: wait on several words at once; returns the index of the one woken. */
export function sys_futex_waitv(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const vec = a.ulong(0),
    nr = a.ulong(1),
    flags = a.ulong(2),
    timeoutAddr = a.ulong(3),
    clockid = a.int(4);
  const ws = pending(t, NR.futex_waitv);
  if (ws) {
    const r = outcome(k, t, ws);
    return r === null ? BLOCKED : r;
  }
  if (flags || !vec || nr === 0 || nr > FUTEX_WAITV_MAX) return -EINVAL;
  let deadline = Infinity;
  if (timeoutAddr) {
    if (clockid !== CLOCK_REALTIME && clockid !== CLOCK_MONOTONIC) return -EINVAL;
    const ns = readTimeout(t, timeoutAddr);
    if (ns < 0) return ns;
    deadline = deadlineOf(k, ns, true, clockid);
  }
  const b = t.mm.read(vec, nr * 24);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const items: { key: FutexKey; addr: number; val: bigint }[] = [];
  for (let i = 0; i < nr; i++) {
    const o = i * 24;
    const val = dv.getBigUint64(o, true),
      addr = Number(dv.getBigUint64(o + 8, true));
    const f = dv.getUint32(o + 16, true),
      reserved = dv.getUint32(o + 20, true);
    if (reserved || f & ~(FUTEX2_SIZE_U32 | FUTEX2_PRIVATE) || (f & 3) !== FUTEX2_SIZE_U32) return -EINVAL;
    if (val > 0xffffffffn) return -EINVAL;
    const key = futexKey(k.futexes.keyIds, t, addr, !(f & FUTEX2_PRIVATE));
    if (typeof key === 'number') return key;
    items.push({ key, addr, val });
  }
  for (const it of items) {
    const cur = t.mm.readU32(it.addr);
    if (cur === null) return -EFAULT;
    if (BigInt(cur) !== it.val) return -EAGAIN;
  }
  if (deadline <= k.clock.monotonic()) return -ETIMEDOUT;
  const group: WaitGroup = { woken: -1, waiters: [] };
  const ft = futexTable(k);
  items.forEach((it, i) => {
    const w = new FutexWaiter(t, it.key, FUTEX_BITSET_MATCH_ANY);
    w.group = group;
    w.index = i;
    group.waiters.push(w);
    ft.queue(w);
  });
  armTimeout(k, group.waiters, deadline);
  return sleep(k, t, NR.futex_waitv, group.waiters, 'never');
}

/** The robust futex list (struct robust_list_head, 24 bytes): walked when the thread exits (futex/robust.ts). */
export function sys_set_robust_list(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  if (a.ulong(1) !== 24) return -EINVAL;
  t.robustList = a.ulong(0);
  return 0;
}

export function sys_get_robust_list(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return t.mm.writeU64(a.ulong(1), t.robustList) && t.mm.writeU64(a.ulong(2), 24) ? 0 : -EFAULT;
}
