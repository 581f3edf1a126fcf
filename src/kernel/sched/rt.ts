// The real-time class (kernel/sched/rt.c): SCHED_FIFO and SCHED_RR at
// priorities 1-99, a FIFO list per priority, the highest non-empty list runs.
// The running task stays at the head of its list, so a preempted FIFO task
// resumes first. RR tasks rotate when their timeslice (sched_rr_timeslice_ms)
// is used up. RT throttling: rt tasks together get at most sched_rt_runtime_us
// per sched_rt_period_us; past that the class is skipped until the period ends
// (the CPU runs fair tasks, or idles).
import type { Task } from './task.js';
import type { Runqueue } from './core.js';
import { ENQUEUE_HEAD, type SchedClass } from './sched_class.js';
import { SCHED_RR } from './attrs.js';
import type { Timer } from '../time/timers.js';
import { schedRrTimesliceMs, schedRtPeriodUs, schedRtRuntimeUs } from '../sysctl/kernel.js';

/** sched_rr_timeslice_ms in ns; the sysctl's value, as RR_TIMESLICE at HZ granularity. */
export const rrTimeslice = (rq: Runqueue) => schedRrTimesliceMs.get(rq.k) * 1_000_000;

export class RtClass implements SchedClass {
  readonly name = 'rt';
  private readonly queues: Task[][] = Array.from({ length: 100 }, () => []);
  nrRunning = 0;
  /** rt_rq->rt_time: rt run time in the current period; rt_throttled. */
  rtTime = 0;
  throttled = false;
  private periodStart = 0;
  private periodTimer: Timer | null = null;
  /** "sched: RT throttling activated" is printed once per boot. */
  private warned = false;

  enqueue(rq: Runqueue, t: Task, flags: number): void {
    const q = this.queues[t.rtPriority];
    if (flags & ENQUEUE_HEAD) q.unshift(t);
    else q.push(t);
    if (t.se.timeSlice <= 0) t.se.timeSlice = rrTimeslice(rq);
    this.nrRunning++;
  }

  dequeue(_rq: Runqueue, t: Task): void {
    const q = this.queues[t.rtPriority];
    const i = q.indexOf(t);
    if (i >= 0) {
      q.splice(i, 1);
      this.nrRunning--;
    }
  }

  pick(rq: Runqueue): Task | null {
    if (!this.nrRunning) return null;
    this.advancePeriods(rq);
    if (this.throttled) return null;
    for (let p = 99; p > 0; p--) if (this.queues[p].length) return this.queues[p][0];
    return null;
  }

  setNext(): void {
    /* stays at the head of its list */
  }
  putPrev(): void {
    /* likewise */
  }

  /** The period timer's work (do_sched_rt_period_timer): forgive one runtime per period passed. */
  private advancePeriods(rq: Runqueue): void {
    const period = schedRtPeriodUs.get(rq.k) * 1000,
      runtime = schedRtRuntimeUs.get(rq.k) * 1000;
    const now = rq.now();
    if (now < this.periodStart + period) return;
    const n = Math.floor((now - this.periodStart) / period);
    this.periodStart += n * period;
    this.rtTime = runtime < 0 ? 0 : Math.max(0, this.rtTime - n * runtime);
    if (this.throttled && (runtime < 0 || this.rtTime < runtime)) {
      this.throttled = false;
      rq.resched();
    }
  }

  updateCurr(rq: Runqueue, _t: Task, delta: number): void {
    this.advancePeriods(rq);
    const runtime = schedRtRuntimeUs.get(rq.k) * 1000,
      period = schedRtPeriodUs.get(rq.k) * 1000;
    if (runtime < 0 || runtime >= period) return; // RUNTIME_INF or no limit
    this.rtTime += delta;
    if (!this.throttled && this.rtTime > runtime) {
      this.throttled = true;
      if (!this.warned) {
        this.warned = true;
        rq.k.log.printk(4, 'sched: RT throttling activated');
      }
      rq.resched();
      // Wake the CPU at the period's end even if it goes idle meanwhile.
      if (this.periodTimer) rq.k.timers.cancel(this.periodTimer);
      this.periodTimer = rq.k.timers.add(this.periodStart + period, () => {
        this.periodTimer = null;
        this.advancePeriods(rq);
        rq.kick();
      });
    }
  }

  tick(rq: Runqueue, t: Task): void {
    if (t.policy !== SCHED_RR) return;
    t.se.timeSlice -= rq.tickNs;
    if (t.se.timeSlice > 0) return;
    t.se.timeSlice = rrTimeslice(rq);
    // Requeue behind its peers, if any.
    const q = this.queues[t.rtPriority];
    if (q.length > 1 && q.includes(t)) {
      q.splice(q.indexOf(t), 1);
      q.push(t);
      rq.resched();
    }
  }

  checkPreempt(rq: Runqueue, curr: Task, p: Task): void {
    if (p.rtPriority > curr.rtPriority) rq.resched();
  }

  yieldTask(_rq: Runqueue, t: Task): void {
    const q = this.queues[t.rtPriority];
    const i = q.indexOf(t);
    if (i >= 0 && q.length > 1) {
      q.splice(i, 1);
      q.push(t);
    }
  }

  /** Tasks queued at each priority, highest first (for /proc/sched_debug). */
  *tasks(): IterableIterator<Task> {
    for (let p = 99; p > 0; p--) yield* this.queues[p];
  }
}
