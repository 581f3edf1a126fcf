// The core scheduler (kernel/sched/core.c): one run queue per CPU holding
// the scheduling classes in priority order (deadline > rt > fair; no stop
// tasks, and the idle "task" is the run loop finding nothing). It enqueues
// and dequeues through the task's class, decides on wake-up whether the
// running task must yield (wakeup_preempt), runs the class's tick at HZ, and
// schedule() puts the previous task back and picks the next.
//
// A Runqueue is per CPU (`cpu`); the kernel owns an array of them, runs
// each CPU in turn on its own virtual clock (`localNs`), and balances tasks
// between them (smp.ts). Deadline bandwidth is admitted per root domain:
// all CPUs together (`rd`, scaled by `cpus`).
import type { Kernel } from '../kernel.js';
import type { Task } from './task.js';
import { DlClass } from './deadline.js';
import { RtClass } from './rt.js';
import { FairClass } from './fair.js';
import { DEQUEUE_SAVE, ENQUEUE_RESTORE, type SchedClass } from './sched_class.js';
import { SCHED_DEADLINE, SCHED_FIFO, SCHED_RR } from './attrs.js';
import { HZ } from '../time/clock.js';

export type FairPolicy = 'eevdf' | 'cfs';

/** The fair scheduler a kernel command line asks for: "sched=cfs" or "sched=eevdf" (default, as 6.12). */
export function fairFromCmdline(cmdline: string): FairPolicy {
  const m = /(?:^|\s)sched=(\S+)/.exec(cmdline);
  return m && m[1] === 'cfs' ? 'cfs' : 'eevdf';
}

/** The CPUs that balance and admit deadline bandwidth together (struct root_domain). */
export class RootDomain {
  /** dl_bw->total_bw: deadline reservations admitted. */
  dlTotalBw = 0;
}

export class Runqueue {
  readonly rt = new RtClass();
  readonly fair: FairClass;
  /** Classes in pick order. */
  readonly classes: SchedClass[];
  curr: Task | null = null;
  /** TIF_NEED_RESCHED of the running task. */
  needResched = false;
  /** rq->nr_switches: context switches on this CPU (/proc/stat ctxt). */
  nrSwitches = 0;
  /** The periodic tick's length in ns of virtual time. */
  readonly tickNs = 1_000_000_000 / HZ;
  /** Next tick's time: ticks fall on multiples of tickNs while something runs (NO_HZ idle). */
  nextTick = 0;
  /** CPUs in the root domain (admission control). */
  cpus = 1;
  /** This CPU's virtual time while another CPU's turn runs (SMP). */
  localNs = 0;
  /** A task was woken here while the CPU idled: the CPU is idle until then (SMP). */
  wakeAt = 0;
  /** kernel_cpustat in ns: user (nice > 0 apart), system, idle and iowait time of this CPU. */
  readonly cpustat = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0 };
  /** Tasks that went to sleep on this CPU waiting for disk I/O (rq->nr_iowait). */
  readonly iowaiters = new Set<Task>();

  /**
   * Idle time of this CPU: iowait while a task that slept here still waits
   * for its I/O (account_idle_time), else idle. A task leaves the count once
   * it no longer sleeps in io_schedule.
   */
  accountIdle(ns: number): void {
    for (const t of this.iowaiters) if (t.state !== 'D' || t.sys?.kind !== 'iowait') this.iowaiters.delete(t);
    if (this.iowaiters.size) this.cpustat.iowait += ns;
    else this.cpustat.idle += ns;
  }
  /** Interrupts taken by this CPU: its timer, and reschedule IPIs from other CPUs. */
  readonly irqs = { timer: 0, resched: 0 };
  readonly dl: DlClass;

  constructor(
    readonly k: Kernel,
    readonly cpu: number,
    readonly policy: FairPolicy,
    rd = new RootDomain(),
  ) {
    this.dl = new DlClass(rd);
    this.fair = new FairClass(policy === 'eevdf');
    this.classes = [this.dl, this.rt, this.fair];
  }

  now(): number {
    return this.k.clock.monotonic();
  }

  classOf(t: Task): SchedClass {
    const p = t.policy;
    if (p === SCHED_DEADLINE) return this.dl;
    if (p === SCHED_FIFO || p === SCHED_RR) return this.rt;
    return this.fair;
  }

  /** Tasks on this run queue, the running one included (rq->nr_running). */
  get nrRunning(): number {
    return this.dl.nrRunning + this.rt.nrRunning + this.fair.nrRunning;
  }

  resched(): void {
    this.needResched = true;
  }

  /** Something changed outside a running task (a timer): reschedule, wake the idle loop. */
  kick(): void {
    this.needResched = true;
    this.k.kickIdle();
  }

  enqueue(t: Task, flags: number): void {
    if (t.se.onRq) return;
    t.se.onRq = true;
    this.classOf(t).enqueue(this, t, flags);
    if (t !== this.curr) this.checkPreempt(t);
  }

  dequeue(t: Task, flags: number): void {
    if (!t.se.onRq) return;
    this.classOf(t).dequeue(this, t, flags);
    t.se.onRq = false;
  }

  /** wakeup_preempt: a higher class always preempts; the same class decides itself. */
  checkPreempt(p: Task): void {
    const curr = this.curr;
    if (!curr) {
      this.needResched = true;
      return;
    }
    const a = this.classes.indexOf(this.classOf(p)),
      b = this.classes.indexOf(this.classOf(curr));
    if (a < b) this.needResched = true;
    else if (a === b && curr.se.onRq) this.classOf(curr).checkPreempt(this, curr, p);
  }

  /** update_curr: charge ns of CPU time (user or kernel) to the running task. */
  account(t: Task, ns: number): void {
    t.se.sumExec += ns;
    if (t === this.curr) this.classOf(t).updateCurr(this, t, ns);
  }

  /** scheduler_tick. */
  tick(): void {
    if (this.curr) this.classOf(this.curr).tick(this, this.curr);
  }

  /** __schedule: put prev back, take the first task the classes offer. */
  schedule(): Task | null {
    const prev = this.curr;
    if (prev) this.classOf(prev).putPrev(this, prev);
    let next: Task | null = null;
    for (const c of this.classes) if ((next = c.pick(this))) break;
    if (next) this.classOf(next).setNext(this, next);
    this.curr = next;
    this.needResched = false;
    if (prev !== next) {
      this.nrSwitches++;
      // A task still runnable was preempted; one that left the run queue slept (or exited).
      if (prev) {
        if (prev.se.onRq) prev.nivcsw++;
        else prev.nvcsw++;
      }
    }
    return next;
  }

  /** The running task is taken off this CPU (to move it): the CPU picks again. */
  preemptCurrForMove(t: Task): void {
    this.classOf(t).putPrev(this, t);
    this.curr = null;
    this.needResched = true;
    this.nrSwitches++;
    t.nivcsw++;
  }

  yieldTask(t: Task): void {
    if (!t.se.onRq) return;
    this.classOf(t).yieldTask(this, t);
    this.needResched = true;
  }

  /**
   * Change a task's scheduling attributes (__sched_setscheduler's
   * dequeue/put_prev ... enqueue/set_next dance), so it moves between
   * classes or re-sorts with its new weight.
   */
  change(p: Task, apply: () => void): void {
    const running = this.curr === p,
      queued = p.se.onRq;
    const oldClass = this.classOf(p);
    if (queued) this.dequeue(p, DEQUEUE_SAVE);
    if (running) oldClass.putPrev(this, p);
    apply();
    if (queued) {
      p.se.onRq = true;
      this.classOf(p).enqueue(this, p, ENQUEUE_RESTORE);
    }
    if (running) this.classOf(p).setNext(this, p);
    // Let the classes choose again (a lowered priority may mean another task runs now).
    if (queued) this.needResched = true;
  }
}
