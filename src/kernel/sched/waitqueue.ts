// A wait queue: tasks sleeping until some condition may have changed. Woken
// tasks re-run their syscall, which re-checks the condition (Linux's wait loop).
export interface Sleeper {
  wake(): void;
}

/**
 * A callback entry that stays on the queue until removed (Linux's
 * wait_queue_entry with its own func, as epoll's ep_poll_callback). `key` is
 * the poll mask the waker names (0 = unknown). An exclusive entry that
 * returns true ends the wake-up: only one of them is woken (EPOLLEXCLUSIVE).
 */
export interface WaitEntry {
  readonly exclusive: boolean;
  func(key: number): boolean;
}

export class WaitQueue {
  private sleepers = new Set<Sleeper>();
  private entries: WaitEntry[] | null = null;
  add(s: Sleeper): void {
    this.sleepers.add(s);
  }
  remove(s: Sleeper): void {
    this.sleepers.delete(s);
  }
  /** Tasks sleeping here (waitqueue_active, callback entries aside). */
  get waiters(): number {
    return this.sleepers.size;
  }
  get size(): number {
    return this.sleepers.size + (this.entries?.length ?? 0);
  }

  /** Non-exclusive entries go first, exclusive ones to the tail (add_wait_queue_exclusive). */
  addEntry(e: WaitEntry): void {
    const list = (this.entries ??= []);
    if (list.includes(e)) return;
    if (e.exclusive) list.push(e);
    else {
      const i = list.findIndex((x) => x.exclusive);
      list.splice(i < 0 ? list.length : i, 0, e);
    }
  }
  removeEntry(e: WaitEntry): void {
    if (!this.entries) return;
    const i = this.entries.indexOf(e);
    if (i >= 0) this.entries.splice(i, 1);
  }

  /** Wake every sleeper, every non-exclusive entry and the first exclusive entry that accepts. */
  wakeAll(key = 0): void {
    if (this.sleepers.size) {
      const list = [...this.sleepers];
      this.sleepers.clear();
      for (const s of list) s.wake();
    }
    if (this.entries?.length) {
      for (const e of [...this.entries]) if (e.func(key) && e.exclusive) break;
    }
  }
}
