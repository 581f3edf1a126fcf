// futex: sleep on a user address until another task wakes it.
import { define } from './table.js';
import { NR } from './nr.js';
import type { Task } from '../sched/task.js';
import { BLOCKED, EAGAIN, EFAULT, EINVAL, ENOSYS } from '../errno.js';
import { WaitQueue } from '../sched/waitqueue.js';

const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;

/** Wait queues keyed by (address space, address); private futexes are per mm. */
const queues = new WeakMap<object, Map<number, WaitQueue>>();
function queue(t: Task, addr: number, create: boolean): WaitQueue | null {
  let m = queues.get(t.mm);
  if (!m) { if (!create) return null; m = new Map(); queues.set(t.mm, m); }
  let q = m.get(addr);
  if (!q && create) { q = new WaitQueue(); m.set(addr, q); }
  return q ?? null;
}

export function futexWake(t: Task, addr: number, n: number): number {
  const q = queue(t, addr, false);
  if (!q) return 0;
  const woken = Math.min(n, q.size);
  // WaitQueue wakes everyone; woken waiters re-check their value and sleep again if needed.
  if (woken) q.wakeAll();
  return woken;
}

define(NR.futex, (k, t) => {
  const addr = k.arg(0), op = k.argInt(1) & 0x7f, val = k.argInt(2) >>> 0;
  if (addr % 4) return -EINVAL;
  switch (op) {
    case FUTEX_WAIT: case FUTEX_WAIT_BITSET: {
      if (t.sys?.data === 'woken') return 0;
      const cur = t.mm.readU32(addr);
      if (cur === null) return -EFAULT;
      if (t.sys?.data === 'waiting') return 0; // woken: report success, the caller re-checks
      if (cur !== val) return -EAGAIN;
      const q = queue(t, addr, true)!;
      t.sys = { nr: NR.futex, data: 'waiting' };
      t.sleepOn(q);
      return BLOCKED;
    }
    case FUTEX_WAKE: case FUTEX_WAKE_BITSET: return futexWake(t, addr, val);
    case FUTEX_REQUEUE: case FUTEX_CMP_REQUEUE: return futexWake(t, addr, val);
    default: return -ENOSYS;
  }
});

