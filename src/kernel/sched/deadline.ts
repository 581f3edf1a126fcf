// The deadline class (kernel/sched/deadline.c): SCHED_DEADLINE tasks run
// earliest absolute deadline first (EDF). Each has a reservation of runtime
// every period; the Constant Bandwidth Server enforces it: a task that used
// its runtime is throttled until its next period, when it is replenished with
// a deadline one period later. Admission control keeps the sum of runtime /
// period of all deadline tasks within the rt limit (sched_rt_runtime_us /
// sched_rt_period_us, 95%), or sched_setattr fails with EBUSY.
import type { Task } from './task.js';
import type { Runqueue, RootDomain } from './core.js';
import { RbTree } from './rbtree.js';
import { ENQUEUE_INITIAL, ENQUEUE_RESTORE, ENQUEUE_WAKEUP, type SchedClass } from './sched_class.js';
import { schedRtPeriodUs, schedRtRuntimeUs } from '../sysctl/kernel.js';

/** Bandwidths are fixed-point fractions with 20 bits (BW_SHIFT). */
export const BW_SHIFT = 20;
export const BW_UNIT = 1 << BW_SHIFT;

/** to_ratio(period, runtime). */
export function toRatio(period: number, runtime: number): number {
  if (period === 0) return 0;
  return Math.floor((runtime * BW_UNIT) / period);
}

export class DlClass implements SchedClass {
  readonly name = 'dl';
  readonly tree = new RbTree<Task>((a, b) => a.se.absDeadline < b.se.absDeadline);
  nrRunning = 0;
  constructor(private readonly rd: RootDomain) {}
  /** dl_bw->total_bw: reservations admitted on this root domain (shared by its CPUs). */
  get totalBw(): number {
    return this.rd.dlTotalBw;
  }
  set totalBw(v: number) {
    this.rd.dlTotalBw = v;
  }

  /** dl_bw->bw: the cap, -1 when RT runtime is unlimited. */
  capBw(rq: Runqueue): number {
    const runtime = schedRtRuntimeUs.get(rq.k);
    return runtime < 0 ? -1 : toRatio(schedRtPeriodUs.get(rq.k), runtime);
  }

  /** __dl_overflow: would replacing oldBw by newBw exceed the cap on `cpus` CPUs? */
  overflow(rq: Runqueue, oldBw: number, newBw: number): boolean {
    const bw = this.capBw(rq);
    return bw !== -1 && bw * rq.cpus < this.totalBw - oldBw + newBw;
  }

  private insert(t: Task): void {
    if (!t.se.node) t.se.node = this.tree.insert(t);
  }
  private remove(t: Task): void {
    if (t.se.node) {
      this.tree.remove(t.se.node);
      t.se.node = null;
    }
  }

  /** replenish_dl_new_period: a fresh deadline from now and a full runtime. */
  private newPeriod(rq: Runqueue, t: Task): void {
    t.se.absDeadline = rq.now() + t.se.dlDeadline;
    t.se.runtime = t.se.dlRuntime;
  }

  /**
   * update_dl_entity: on wakeup, keep the current (deadline, runtime) only
   * if they fit the reserved bandwidth (the CBS wakeup rule, dl_entity_overflow).
   */
  private updateEntity(rq: Runqueue, t: Task): void {
    const se = t.se,
      now = rq.now();
    if (se.absDeadline <= now || se.runtime * se.dlDeadline > (se.absDeadline - now) * se.dlRuntime) this.newPeriod(rq, t);
  }

  enqueue(rq: Runqueue, t: Task, flags: number): void {
    this.nrRunning++;
    if (t.se.dlThrottled) return; // its replenishment timer queues it
    if (flags & (ENQUEUE_WAKEUP | ENQUEUE_INITIAL | ENQUEUE_RESTORE)) this.updateEntity(rq, t);
    this.insert(t);
  }

  dequeue(_rq: Runqueue, t: Task): void {
    this.remove(t);
    this.nrRunning--;
  }

  pick(): Task | null {
    return this.tree.first();
  }
  setNext(): void {
    /* stays in the tree: its deadline does not move while it runs */
  }
  putPrev(): void {
    /* likewise */
  }

  updateCurr(rq: Runqueue, t: Task, delta: number): void {
    const se = t.se;
    se.runtime -= delta;
    if (se.runtime > 0 || se.dlThrottled) return;
    this.throttle(rq, t);
  }

  /** The runtime is used up: out of the tree until the replenishment at the next period. */
  private throttle(rq: Runqueue, t: Task): void {
    const se = t.se;
    se.dlThrottled = true;
    this.remove(t);
    rq.resched();
    // start_dl_timer: the next activation, one period after this one began.
    const when = se.absDeadline - se.dlDeadline + se.dlPeriod;
    if (se.dlTimer) rq.k.timers.cancel(se.dlTimer);
    se.dlTimer = rq.k.timers.add(Math.max(when, rq.now()), () => {
      se.dlTimer = null;
      this.replenish(rq, t);
    });
  }

  /** dl_task_timer: replenish_dl_entity and queue it again if it is still runnable. */
  private replenish(rq: Runqueue, t: Task): void {
    const se = t.se;
    if (!se.dlThrottled) return;
    while (se.runtime <= 0) {
      se.absDeadline += se.dlPeriod;
      se.runtime += se.dlRuntime;
    }
    // Too far behind (a missed deadline): start over from now.
    if (se.absDeadline < rq.now()) this.newPeriod(rq, t);
    se.dlThrottled = false;
    if (se.onRq && rq.classOf(t) === this) {
      this.insert(t);
      rq.checkPreempt(t);
    }
    rq.kick();
  }

  tick(): void {
    /* enforcement happens in updateCurr, at tick granularity (no HRTICK_DL) */
  }

  checkPreempt(rq: Runqueue, curr: Task, p: Task): void {
    if (p.se.absDeadline < curr.se.absDeadline || curr.se.dlThrottled) rq.resched();
  }

  /** yield_task_dl: give up what is left of this period's runtime. */
  yieldTask(rq: Runqueue, t: Task): void {
    t.se.runtime = 0;
    if (!t.se.dlThrottled) this.throttle(rq, t);
  }

  /** A deadline task leaves the class or dies: its bandwidth is free again. */
  releaseBw(t: Task): void {
    this.totalBw -= t.se.dlBw;
    t.se.dlBw = 0;
    if (t.se.dlTimer) {
      t.se.dlTimer.cancelled = true;
      t.se.dlTimer = null;
    }
    t.se.dlThrottled = false;
  }
}
