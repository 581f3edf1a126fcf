// A wait queue: tasks sleeping until some condition may have changed. Woken
// tasks re-run their syscall, which re-checks the condition (Linux's wait loop).
export interface Sleeper { wake(): void }

export class WaitQueue {
  private sleepers = new Set<Sleeper>();
  add(s: Sleeper): void { this.sleepers.add(s); }
  remove(s: Sleeper): void { this.sleepers.delete(s); }
  get size(): number { return this.sleepers.size; }
  wakeAll(): void {
    if (this.sleepers.size === 0) return;
    const list = [...this.sleepers];
    this.sleepers.clear();
    for (const s of list) s.wake();
  }
}
