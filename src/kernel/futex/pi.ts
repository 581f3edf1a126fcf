// Priority-inheritance futexes (FUTEX_LOCK_PI, TRYLOCK_PI, UNLOCK_PI): the
// futex word holds the owner's TID; the kernel queues contenders and hands
// the lock to the first of them on unlock. With one hart and no RT classes
// here, inheriting priority changes nothing, so the hand-off is FIFO.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { EAGAIN, EDEADLK, EFAULT, ESRCH } from '../errno.js';
import { futexTable, FutexWaiter } from './core.js';
import type { FutexKey } from './key.js';

export const FUTEX_WAITERS = 0x80000000,
  FUTEX_OWNER_DIED = 0x40000000,
  FUTEX_TID_MASK = 0x3fffffff;

/**
 * Try to take the lock for t at addr: 0 taken, 1 queued (t must sleep), or -errno.
 * `trylock` never queues.
 */
export function lockPi(k: Kernel, t: Task, addr: number, key: FutexKey, trylock: boolean): FutexWaiter | number {
  const val = t.mm.readU32(addr);
  if (val === null) return -EFAULT;
  const owner = val & FUTEX_TID_MASK;
  const ft = futexTable(k);
  if (owner === 0) {
    // Free (perhaps left by a dead owner): take it, keeping OWNER_DIED for the C library to see.
    const more = ft.waiters(key).some((w) => w.pi);
    return t.mm.writeU32(addr, (t.tid | (val & FUTEX_OWNER_DIED) | (more ? FUTEX_WAITERS : 0)) >>> 0) ? 0 : -EFAULT;
  }
  if (owner === t.tid) return -EDEADLK;
  const ot = k.pids.findTask(owner);
  if (!ot || (ot.tg !== t.tg && ot.mm !== t.mm && !key.startsWith('p') && !key.startsWith('i'))) return -ESRCH;
  if (trylock) return -EAGAIN;
  if (!(val & FUTEX_WAITERS) && !t.mm.writeU32(addr, (val | FUTEX_WAITERS) >>> 0)) return -EFAULT;
  const w = new FutexWaiter(t, key, 0xffffffff);
  w.pi = true;
  ft.queue(w);
  return w;
}

/** Release t's PI lock at addr: hand it to the first waiter, or free it. */
export function unlockPi(k: Kernel, t: Task, addr: number, key: FutexKey, asOwner: number = t.tid, keepFlags = 0): number {
  const val = t.mm.readU32(addr);
  if (val === null) return -EFAULT;
  if ((val & FUTEX_TID_MASK) !== asOwner) return -1; // EPERM, by the caller
  const ft = futexTable(k);
  const waiters = ft.waiters(key).filter((w) => w.pi);
  if (waiters.length === 0) return t.mm.writeU32(addr, keepFlags >>> 0) ? 0 : -EFAULT;
  const next = waiters[0];
  const nv = next.task.tid | keepFlags | (waiters.length > 1 ? FUTEX_WAITERS : 0);
  if (!t.mm.writeU32(addr, nv >>> 0)) return -EFAULT;
  ft.wakeOne(k, next);
  return 0;
}
