// Futex hash buckets: tasks sleeping on a key until woken (futex_wait/wake),
// moved between keys (requeue), or handed a PI lock. A woken task re-runs its
// syscall, which finds its waiter marked and returns.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { futexKey, FutexKeyIds, type FutexKey } from './key.js';

export const FUTEX_BITSET_MATCH_ANY = 0xffffffff;

/** Several waiters of one futex_waitv call share a group: the first wake ends them all. */
export interface WaitGroup {
  woken: number;
  waiters: FutexWaiter[];
}

export class FutexWaiter {
  woken = false;
  timedOut = false;
  timer: { cancelled?: boolean } | null = null;
  /** PI waiters: the lock was handed over (or must be retried). */
  pi = false;
  group: WaitGroup | null = null;
  index = 0;
  constructor(
    readonly task: Task,
    public key: FutexKey,
    readonly bitset: number,
  ) {}
}

export class FutexTable {
  readonly buckets = new Map<FutexKey, FutexWaiter[]>();
  /** The waiter(s) a task sleeps with, to unqueue them on exit or interruption. */
  readonly byTask = new Map<Task, FutexWaiter[]>();
  /** Numbers for the objects keys name (futex/key.ts). */
  readonly keyIds = new FutexKeyIds();

  queue(w: FutexWaiter): void {
    let b = this.buckets.get(w.key);
    if (!b) {
      b = [];
      this.buckets.set(w.key, b);
    }
    b.push(w);
    const l = this.byTask.get(w.task);
    if (l) l.push(w);
    else this.byTask.set(w.task, [w]);
  }

  unqueue(w: FutexWaiter): void {
    const b = this.buckets.get(w.key);
    if (b) {
      const i = b.indexOf(w);
      if (i >= 0) b.splice(i, 1);
      if (b.length === 0) this.buckets.delete(w.key);
    }
    const l = this.byTask.get(w.task);
    if (l) {
      const i = l.indexOf(w);
      if (i >= 0) l.splice(i, 1);
      if (l.length === 0) this.byTask.delete(w.task);
    }
  }

  waiters(key: FutexKey): FutexWaiter[] {
    return this.buckets.get(key) ?? [];
  }

  /** Wake w: out of the queue, marked, and its task made runnable. */
  wakeOne(k: Kernel, w: FutexWaiter): void {
    const all = w.group ? w.group.waiters : [w];
    for (const x of all) {
      this.unqueue(x);
      if (x.timer) k.timers.cancel(x.timer as never);
    }
    w.woken = true;
    if (w.group) w.group.woken = w.index;
    w.task.wake();
  }

  /** futex_wake: up to n waiters whose bitset matches. */
  wake(k: Kernel, key: FutexKey, n: number, bitset = FUTEX_BITSET_MATCH_ANY): number {
    let woken = 0;
    for (const w of [...this.waiters(key)]) {
      if (woken >= n) break;
      if (w.pi || !(w.bitset & bitset)) continue;
      this.wakeOne(k, w);
      woken++;
    }
    return woken;
  }

  /** Wake nWake waiters of `from`, move up to nRequeue others to `to`. */
  requeue(k: Kernel, from: FutexKey, to: FutexKey, nWake: number, nRequeue: number): number {
    let woken = 0,
      moved = 0;
    for (const w of [...this.waiters(from)]) {
      if (w.pi) continue;
      if (woken < nWake) {
        this.wakeOne(k, w);
        woken++;
        continue;
      }
      if (moved >= nRequeue) break;
      const b = this.buckets.get(from)!;
      b.splice(b.indexOf(w), 1);
      if (b.length === 0) this.buckets.delete(from);
      w.key = to;
      const nb = this.buckets.get(to);
      if (nb) nb.push(w);
      else this.buckets.set(to, [w]);
      moved++;
    }
    return woken + moved;
  }

  /** A task leaves every futex queue (exit, or its wait was interrupted). */
  abandon(k: Kernel, t: Task): void {
    for (const w of [...(this.byTask.get(t) ?? [])]) {
      this.unqueue(w);
      if (w.timer) k.timers.cancel(w.timer as never);
    }
  }
}

/** The machine's futex hash table (Kernel.futexes). */
export const futexTable = (k: Kernel): FutexTable => k.futexes;

/** Wake up to n waiters of the word at addr, keyed as a shared futex (CLONE_CHILD_CLEARTID). */
export function futexWakeAddr(k: Kernel, t: Task, addr: number, n: number): number {
  const key = futexKey(k.futexes.keyIds, t, addr, true);
  return typeof key === 'number' ? 0 : futexTable(k).wake(k, key, n);
}

/**
 * mm_release, at exit and execve: robust locks the thread still holds are
 * marked OWNER_DIED, then CLONE_CHILD_CLEARTID's word is zeroed and one
 * waiter woken (how pthread_join learns of the exit).
 */
export function futexMmRelease(k: Kernel, t: Task, robust: (k: Kernel, t: Task) => void): void {
  futexTable(k).abandon(k, t);
  robust(k, t);
  if (t.clearChildTid && t.mm.users > 1) {
    t.mm.writeU32(t.clearChildTid, 0);
    futexWakeAddr(k, t, t.clearChildTid, 1);
  }
  t.clearChildTid = 0;
}
