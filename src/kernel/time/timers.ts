// Kernel timers in virtual time (ns since boot), kept sorted by expiry.
export interface Timer {
  when: number;
  fire: () => void;
  cancelled?: boolean;
}

export class TimerQueue {
  private list: Timer[] = [];

  add(when: number, fire: () => void): Timer {
    const t: Timer = { when, fire };
    let i = this.list.length;
    while (i > 0 && this.list[i - 1].when > when) i--;
    this.list.splice(i, 0, t);
    return t;
  }

  cancel(t: Timer): void {
    t.cancelled = true;
    const i = this.list.indexOf(t);
    if (i >= 0) this.list.splice(i, 1);
  }

  /** Earliest expiry, or Infinity. */
  next(): number {
    return this.list.length ? this.list[0].when : Infinity;
  }

  /** Fire every timer due at `now`. */
  expire(now: number): number {
    let n = 0;
    while (this.list.length && this.list[0].when <= now) {
      const t = this.list.shift()!;
      if (!t.cancelled) {
        t.fire();
        n++;
      }
    }
    return n;
  }

  get size(): number {
    return this.list.length;
  }
}
