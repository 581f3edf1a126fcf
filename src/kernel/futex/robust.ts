// Robust futexes (exit_robust_list): when a thread dies, every lock on its
// registered list that it still owns is marked FUTEX_OWNER_DIED and one
// waiter is woken, so the next locker learns of the death (EOWNERDEAD).
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { futexKey } from './key.js';
import { futexTable, futexMmRelease } from './core.js';
import { FUTEX_OWNER_DIED, FUTEX_TID_MASK, FUTEX_WAITERS, unlockPi } from './pi.js';

/** Entries followed at most (ROBUST_LIST_LIMIT): a looped list must not hang the kernel. */
const ROBUST_LIST_LIMIT = 2048;

function futexDeath(k: Kernel, t: Task, uaddr: number, pi: boolean): void {
  if (uaddr % 4) return;
  const val = t.mm.readU32(uaddr);
  if (val === null || (val & FUTEX_TID_MASK) !== t.tid) return;
  const key = futexKey(k.futexes.keyIds, t, uaddr, true);
  if (typeof key === 'number') return;
  if (pi) {
    // The PI lock goes to the first waiter, still flagged as having lost its owner.
    unlockPi(k, t, uaddr, key, t.tid, FUTEX_OWNER_DIED);
    return;
  }
  if (!t.mm.writeU32(uaddr, ((val & FUTEX_WAITERS) | FUTEX_OWNER_DIED) >>> 0)) return;
  if (val & FUTEX_WAITERS) futexTable(k).wake(k, key, 1);
}

export function exitRobustList(k: Kernel, t: Task): void {
  const head = t.robustList;
  t.robustList = 0;
  if (!head) return;
  // struct robust_list_head { list.next; long futex_offset; list_op_pending }
  const first = t.mm.readPtr(head);
  const off = t.mm.readU64(head + 8);
  const pendingRaw = t.mm.readPtr(head + 16);
  if (first === null || off === null || pendingRaw === null) return;
  const offset = Number(BigInt.asIntN(64, off));
  const pending = pendingRaw - (pendingRaw % 2);
  let entry = first;
  for (let n = 0; entry !== head && n < ROBUST_LIST_LIMIT; n++) {
    const pi = entry % 2 === 1;
    const e = entry - (entry % 2);
    const next = t.mm.readPtr(e);
    if (next === null) return;
    // The pending op is done last, once.
    if (e !== pending) futexDeath(k, t, e + offset, pi);
    entry = next;
  }
  if (pending) futexDeath(k, t, pending + offset, pendingRaw % 2 === 1);
}

export function mmRelease(k: Kernel, t: Task): void {
  futexMmRelease(k, t, exitRobustList);
}
